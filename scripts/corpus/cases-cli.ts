// Cases for the command line: one `vlm` process per case.
import { basename, dirname } from 'node:path';
import type { Materials } from './materials';
import type { CorpusCase } from './types';

export const QUESTION = 'What is shown?';
const ASK_OPTIONS = ['--max-tokens', '4', '--no-cache'];

/**
 * A process per case costs seconds, so the CLI gets the damages that reach different code
 * (nothing, a header alone, a cut, flipped header bits, junk after the signature); the
 * servers get every damage of every format.
 */
const CLI_DAMAGES = [
  'empty',
  'cut-at-10pct',
  'cut-at-half',
  'bitflip-header',
  'garbage-after-magic',
];
/** `vlm ask --model` loads the folder; these breakages reach each loading step once. */
const CLI_ASK_MODELS = [
  'missing-config',
  'missing-decoder',
  'truncated-decoder',
  'bad-config-json',
  'config-wrong-types',
  'no-chat-template',
  'broken-chat-template',
  'longest-edge-zero',
  'nonexistent',
];

const cli = (
  id: string,
  group: string,
  input: string,
  names: string[],
  argv: string[],
  extra: Partial<CorpusCase> = {},
): CorpusCase => ({
  id: `cli/${group}/${id}`,
  entry: 'cli',
  group,
  input,
  names,
  payload: { argv },
  ...extra,
});

export function cliCases(m: Materials): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const f of [...m.media.filter((f) => CLI_DAMAGES.includes(f.damage)), ...m.bombs]) {
    const group = m.bombs.includes(f) ? 'bomb' : 'media';
    cases.push(
      cli(f.id, group, f.input, f.names, ['ask', f.path, QUESTION, ...ASK_OPTIONS], {
        mayAnswer: f.mayAnswer,
        problems: f.problems,
      }),
    );
  }
  for (const f of m.media.filter((f) => f.format === 'png' && CLI_DAMAGES.includes(f.damage)))
    cases.push(
      cli(`analyze-${f.id}`, 'media', f.input, f.names, ['analyze', f.path], {
        mayAnswer: f.mayAnswer,
        problems: f.problems,
      }),
    );
  for (const f of m.odd)
    cases.push(
      cli(f.id, 'special', f.input, f.names, ['ask', f.path, QUESTION, ...ASK_OPTIONS], {
        mayAnswer: f.mayAnswer,
        problems: f.problems,
      }),
    );
  // Relative names from their own folder, so `-leading-dash.png` reaches the parser as typed;
  // the error goes to a terminal, so control characters in a name must come out escaped.
  for (const f of m.hostile)
    cases.push({
      ...cli(f.id, 'name', f.input, f.names, ['ask', basename(f.path), QUESTION, ...ASK_OPTIONS]),
      payload: { argv: ['ask', basename(f.path), QUESTION, ...ASK_OPTIONS], cwd: dirname(f.path) },
      escapedOnly: true,
    });
  const questions: [string, string, string, boolean][] = [
    ['30000-chars', 'x'.repeat(30_000), 'a 30,000-character question', false],
    ['empty', '', 'an empty question', false],
    ['blank', '   \t  ', 'a question of blanks', false],
    [
      'control-chars',
      'what\u001b[2J\u0007\u0008 is this?',
      'a question with terminal control characters',
      true,
    ],
  ];
  for (const [id, question, input, mayAnswer] of questions)
    cases.push(
      cli(id, 'question', input, ['question'], ['ask', m.good.png, question, ...ASK_OPTIONS], {
        mayAnswer,
      }),
    );
  for (const model of m.models) {
    if (CLI_ASK_MODELS.includes(model.id))
      cases.push(
        cli(`ask-${model.id}`, 'model', model.input, model.names, [
          'ask',
          m.good.png,
          QUESTION,
          '--model',
          model.path,
          ...ASK_OPTIONS,
        ]),
      );
    cases.push(
      cli(`validate-${model.id}`, 'model', model.input, model.names, [
        'model',
        'validate',
        model.path,
      ]),
    );
  }
  return cases;
}
