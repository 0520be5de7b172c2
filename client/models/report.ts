// The model folder validation report (what Select Model… shows for an invalid folder). Pure.
import type { ValidateModelResult } from '../../protocol/protocol';

export function validationReport(result: ValidateModelResult): string {
  const lines = [
    `# Model folder: ${result.path}`,
    '',
    result.valid
      ? 'Valid: this folder can be loaded.'
      : 'Not valid: the folder cannot be loaded as it is.',
    '',
  ];
  if (result.problems.length) {
    lines.push('## Problems', '', ...result.problems.map((p) => `- ${p}`), '');
  }
  if (result.summary && Object.keys(result.summary).length) {
    lines.push('## What was found', '', '| field | value |', '| --- | --- |');
    for (const [k, v] of Object.entries(result.summary)) lines.push(`| ${k} | ${String(v)} |`);
    lines.push('');
  }
  lines.push(
    'Expected layout: config.json, preprocessor_config.json, tokenizer.json, tokenizer_config.json (with chat_template), onnx/vision_encoder*.onnx, onnx/embed_tokens*.onnx, onnx/decoder_model_merged*.onnx.',
  );
  return `${lines.join('\n')}\n`;
}
