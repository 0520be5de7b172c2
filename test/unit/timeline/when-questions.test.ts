// When-questions on real recordings: the top evidence item of an ask (through the engine
// session, as `vlm ask` gives it) against moments verified by looking at the frames
// (test/fixtures/timeline/when-questions.tsv). The tuning and evaluation sets are scored
// apart; the evaluation set was never looked at while tuning. Set TIMELINE_DETAIL=1 to
// list the tuning questions one by one; TIMELINE_CACHE=dir reuses encoded streams.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineSession } from '../../../engine/session';
import { tinyModelDir } from '../model/tiny-model';

const ROOT = join(__dirname, '..', '..', 'fixtures');
const TOLERANCE_SEC = 1;

interface Question {
  id: string;
  set: 'tune' | 'eval';
  file: string;
  verifiedSec: number;
  question: string;
}

function questions(): Question[] {
  const [, ...rows] = readFileSync(join(ROOT, 'timeline', 'when-questions.tsv'), 'utf8')
    .trim()
    .split('\n');
  return rows.map((row) => {
    const [id, set, file, sec, question] = row.split('\t');
    return {
      id: id!,
      set: set as Question['set'],
      file: file!,
      verifiedSec: Number(sec),
      question: question!,
    };
  });
}

interface Scored {
  q: Question;
  times: number[];
  reason?: string;
}

const within = (s: Scored, n: number) =>
  s.times.slice(0, n).some((t) => Math.abs(t - s.q.verifiedSec) <= TOLERANCE_SEC);
const share = (all: Scored[], n: number) => all.filter((s) => within(s, n)).length / all.length;

describe('when-questions on real recordings', () => {
  let cacheDir: string;
  let session: EngineSession;
  const scored: Scored[] = [];

  before(async () => {
    cacheDir = process.env.TIMELINE_CACHE ?? mkdtempSync(join(tmpdir(), 'vlm-when-'));
    session = new EngineSession({ cacheDir, model: await tinyModelDir(), provider: 'cpu' });
  });
  after(async () => {
    await session.dispose();
    if (!process.env.TIMELINE_CACHE) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('answers each question with evidence from the recording', { timeout: 900_000 }, async () => {
    const byFile = new Map<string, Question[]>();
    for (const q of questions()) byFile.set(q.file, [...(byFile.get(q.file) ?? []), q]);
    for (const [file, qs] of byFile) {
      const stream = await session.open({ kind: 'file', path: join(ROOT, 'real', file) });
      try {
        await stream.ready;
        for (const q of qs) {
          const answer = await stream.ask(q.question, { maxTokens: 1 });
          scored.push({
            q,
            times: answer.evidence.map((e) => e.timeSec),
            reason: answer.evidence[0]?.event?.reason,
          });
        }
      } finally {
        await stream.close();
      }
    }
    assert.equal(scored.length, questions().length);
  });

  it('puts the verified moment first for most questions, in the top three for nearly all', () => {
    const tune = scored.filter((s) => s.q.set === 'tune');
    const evaluation = scored.filter((s) => s.q.set === 'eval');
    if (process.env.TIMELINE_DETAIL)
      for (const s of tune)
        console.log(
          `${within(s, 1) ? 'ok  ' : within(s, 3) ? 'top3' : 'MISS'} ${s.q.id} ${s.q.verifiedSec}s -> ` +
            `${s.times.slice(0, 3).join(', ')}  ${s.q.question}  [${s.reason ?? 'frame score'}]`,
        );
    const line = (name: string, set: Scored[]) =>
      `${name}: top-1 within ${TOLERANCE_SEC}s ${(share(set, 1) * 100).toFixed(0)}%, ` +
      `top-3 ${(share(set, 3) * 100).toFixed(0)}% (${set.length} questions)`;
    console.log(line('tuning set', tune));
    console.log(line('evaluation set', evaluation));
    // Random evidence lands within a second about 2 times in 9. The bounds sit a question
    // or two under the measured figures (docs/timeline.md), so a regression fails here.
    assert.ok(share(tune, 1) >= 0.72, line('tuning set', tune));
    assert.ok(share(tune, 3) >= 0.88, line('tuning set', tune));
    assert.ok(share(evaluation, 3) >= 0.69, line('evaluation set', evaluation));
  });
});
