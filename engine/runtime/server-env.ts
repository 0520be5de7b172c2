// The environment the language server process starts with. No imports, so the extension
// client (through protocol/) launches the server the same way `vlm serve` and the soak do.
//
// The engine runs on a worker thread, and glibc gives each thread that allocates its own
// malloc arena (up to 8 per core) that keeps freed memory for reuse instead of returning it.
// Under mixed load (frames, KV blocks, onnxruntime and sharp buffers from several threads)
// those arenas held 220 MiB and the resident set rose about 13% over its post-warm-up
// level before levelling off; with two arenas it stayed within 1% and 150 MiB lower
// (docs/hardening.md#soak). glibc reads the variable only at process start, so it is set
// by whoever starts the server; a value the user chose is kept. Other C libraries ignore it.
export const SERVER_MALLOC_ARENA_MAX = '2';

export function serverProcessEnv<E extends Record<string, string | undefined>>(env: E): E {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || SERVER_MALLOC_ARENA_MAX };
}
