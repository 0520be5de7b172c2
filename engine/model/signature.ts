// Checks a session's inputs and outputs against what the config says they must be.
// Every problem names the file, the tensor and what was expected.
import type * as ort from 'onnxruntime-node';
import type { PartSignature, TensorExpectation } from './adapters/types';

/**
 * Inputs some exports have that the runtime feeds itself when present: older Optimum
 * merged decoders' use_cache_branch, and newer exports' (num_)logits_to_keep.
 */
export const OPTIONAL_INPUTS = new Set([
  'use_cache_branch',
  'logits_to_keep',
  'num_logits_to_keep',
]);

function describeDims(dims: readonly (number | string | null)[]): string {
  return `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function checkTensor(
  file: string,
  kind: 'input' | 'output',
  expected: TensorExpectation,
  actual: ort.InferenceSession.ValueMetadata | undefined,
): string[] {
  const where = `${file}: ${kind} '${expected.name}'`;
  if (!actual) return [`${where} is missing`];
  if (!actual.isTensor) return [`${where} is not a tensor`];
  const problems: string[] = [];
  // A float tensor may be float32 or float16; the runtime feeds each as its metadata says.
  const allowed = expected.type === 'float' ? ['float32', 'float16'] : [expected.type];
  if (!allowed.includes(actual.type))
    problems.push(`${where} has type ${actual.type}, expected ${allowed.join(' or ')}`);
  if (expected.dims && actual.shape.length > 0) {
    const shape = actual.shape;
    const rankOk = shape.length === expected.dims.length;
    const dimsOk =
      rankOk &&
      expected.dims.every(
        (want, i) => want === null || typeof shape[i] !== 'number' || shape[i] === want,
      );
    if (!dimsOk)
      problems.push(
        `${where} has shape ${describeDims(shape)}, expected ${describeDims(expected.dims)} (from config.json)`,
      );
  }
  return problems;
}

/** Problems with a session's signature; an empty list means it matches. */
export function checkSignature(
  file: string,
  session: Pick<ort.InferenceSession, 'inputMetadata' | 'outputMetadata'>,
  signature: PartSignature,
): string[] {
  const find = (list: readonly ort.InferenceSession.ValueMetadata[], name: string) =>
    list.find((m) => m.name === name);
  const problems = [
    ...signature.inputs.flatMap((e) =>
      checkTensor(file, 'input', e, find(session.inputMetadata, e.name)),
    ),
    ...signature.outputs.flatMap((e) =>
      checkTensor(file, 'output', e, find(session.outputMetadata, e.name)),
    ),
  ];
  const expectedInputs = new Set(signature.inputs.map((e) => e.name));
  for (const input of session.inputMetadata)
    if (!expectedInputs.has(input.name) && !OPTIONAL_INPUTS.has(input.name))
      problems.push(
        `${file}: unexpected input '${input.name}' (expected only ${[...expectedInputs].slice(0, 4).join(', ')}${expectedInputs.size > 4 ? ', …' : ''})`,
      );
  return problems;
}
