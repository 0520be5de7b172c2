// onnxruntime-node 1.30's Linux build carries Microsoft's 1DS telemetry client (MATSDK).
// When onnxruntime creates its process-wide environment, that client writes
// `mat-debug-<pid>.log` and `.ses` into $TMPDIR and matches a backtracking std::regex
// against /proc/self/cmdline; a command line of about 30,000 characters (a long question
// given as an argument) overflows the main thread's stack there and the process dies with
// SIGSEGV before any of our code can refuse the question. The environment variable below
// is the switch onnxruntime reads before starting the client. It must be in the real
// process environment before the first session is created: assignments to process.env on
// the main thread reach it; a worker thread's process.env is a private copy, so whatever
// starts a worker that runs onnxruntime imports this module on the main thread first.
// A user who set the variable keeps their value.

/** The variable onnxruntime reads; any value but "0" (or unset) turns its telemetry off. */
export const ORT_TELEMETRY_SWITCH = 'ORT_DISABLE_TELEMETRY';

if (process.env[ORT_TELEMETRY_SWITCH] === undefined) process.env[ORT_TELEMETRY_SWITCH] = '1';
