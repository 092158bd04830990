import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { MIGRATIONS } from '../../../src/core/store/migrations';
import { openStore } from '../../../src/core/store/open';
import { computeSignals, type SignalInput } from '../../../src/core/signals/compute';
import { SIGNALS, SIGNALS_VERSION, type SignalName } from '../../../src/core/signals/definitions';
import { problemScript, repetitionTail } from '../../../src/core/signals/failure';
import {
  computeStoredSignals,
  createSignalRecorder,
  LEVEL_SQL,
  recordMissingSignals,
  signalsBacklog,
  SUBJECT_SQL,
} from '../../../src/core/signals/record';
import { signalSummaryByRun } from '../../../src/core/signals/rates';
import { estimateTokens, tokenCounts } from '../../../src/core/signals/tokens';
import { seedBrowseFixture } from '../../support/browse-fixture';
import { realTraces } from '../../support/traces-fixture';
import { tempDir } from '../../support/tmp';

const EN = 'What is $2 + 3$? Give the answer in a box.';
const ZH = '计算 $2 + 3$ 的值，并把答案写在方框里。';

function sig(answer: string, o: Partial<SignalInput> = {}) {
  return computeSignals({ question: EN, reasoning: null, answer, finishReason: 'stop', completionTokens: null, ...o });
}
const has = (s: { present: SignalName[] }, name: SignalName) => s.present.includes(name);

const real = realTraces();
function realOne(problem: number, sample: number) {
  const r = real.find((t) => t.problem_index === problem && t.sample === sample)!;
  return computeSignals({
    question: r.question,
    reasoning: null,
    answer: r.response,
    finishReason: 'stop',
    completionTokens: null,
  });
}

describe('signals: style', () => {
  it('reflection counts "Wait,", "But wait", "Hmm", "Alternatively" and the Chinese forms, not "wait" as a verb', () => {
    const s = sig(
      'Wait, that sum is off. Hmm, but wait I need 5. Alternatively, count. 等等，换个思路。 So $\\boxed{5}$.',
    );
    // Wait, / Hmm / but wait / Alternatively / 等等 / 换个思路 — six markers, each written once above
    assert.equal(s.values.reflection, 6);
    assert.ok(has(s, 'reflection'));
    const verb = sig('They wait 5 minutes for the bus and then wait for another 3 minutes. $\\boxed{8}$');
    assert.equal(verb.values.reflection, 0);
    assert.ok(!has(verb, 'reflection'));
  });

  it('reflection in a real trace (MATH problem 19, sample 5: "Alternatively, we can factor…")', () => {
    assert.ok(has(realOne(19, 5), 'reflection'));
    assert.ok(!has(realOne(0, 0), 'reflection'));
  });

  it('verification counts "let me check", "verify", "double-check", 验证 and 检查', () => {
    const s = sig('Let me check: 2+3=5. To verify, I double-check by counting. 验证：检查无误。 $\\boxed{5}$');
    assert.equal(s.values.verification, 5);
    assert.ok(!has(sig('Adding gives $\\boxed{5}$.'), 'verification'));
    assert.ok(has(realOne(13, 0), 'verification')); // "To verify, we substitute 4 back into the equation"
  });

  it('backtracking counts explicit corrections, in English and Chinese', () => {
    const s = sig("I get 6. That's not right. I made a mistake, let me redo it. 不对，算错了。 $\\boxed{5}$");
    // "That's not right", "I made a mistake", "let me redo", 不对, 算错
    assert.equal(s.values.backtracking, 5);
    assert.ok(!has(sig('It is right: $\\boxed{5}$.'), 'backtracking'));
    assert.ok(has(realOne(6, 6), 'backtracking')); // "This is incorrect; let's re-evaluate the division."
  });

  it('answers: distinct answers stated on the way (boxes and "the answer is"), present from two', () => {
    const changed = sig('First the answer is 6. Then I find $\\boxed{5}$. Finally, the answer is $\\boxed{ 5 }$.');
    assert.equal(changed.values.answers, 2); // 6, then 5 (the same 5 twice)
    assert.ok(has(changed, 'answers'));
    const steady = sig('The answer is 5. Indeed $\\boxed{5}$, and the answer is correct.');
    assert.equal(steady.values.answers, 1);
    assert.ok(!has(steady, 'answers'));
    assert.ok(has(realOne(13, 0), 'answers')); // boxes \boxed{\phantom{2}} then \boxed{4}
  });
});

describe('signals: failure', () => {
  it('repetition: a loop at the tail, even cut off mid-period; not a loop earlier on or a short repeat', () => {
    const loop = 'Compute the sum. ' + 'so we add the two terms again and '.repeat(10) + 'so we add';
    const s = sig(loop, { finishReason: 'length' });
    assert.ok(has(s, 'repetition'));
    // the repeated tail starts within the first period of the loop and runs to the end
    assert.ok(s.values.repetition >= 'so we add the two terms again and '.length * 9);
    assert.equal(repetitionTail(`${'ab '.repeat(60)}\n\nSo the answer is $\\boxed{5}$.`), 0);
    assert.equal(repetitionTail('Step: 1 1 1. So $\\boxed{1}$'), 0);
    assert.ok(!has(realOne(0, 0), 'repetition'));
  });

  it("mixed-language: another script than the problem's (real trace 25/1 degenerates into Chinese and other scripts)", () => {
    assert.ok(has(realOne(25, 1), 'mixed-language'));
    assert.ok(!has(realOne(25, 0), 'mixed-language'));
    const en = sig('So 2 + 3 = 5, 等等让我检查。 $\\boxed{5}$');
    assert.ok(has(en, 'mixed-language'));
    assert.equal(en.values['mixed-language'], 6); // 等等让我检查: six Han characters
    // Greek letters are mathematics, not another language
    assert.ok(!has(sig('Let $\\alpha = 2$ and β = 3, so α + β = 5. $\\boxed{5}$'), 'mixed-language'));
  });

  it('mixed-language for a Chinese problem: English prose counts, variables and LaTeX do not', () => {
    const zh = (answer: string) =>
      computeSignals({ question: ZH, reasoning: null, answer, finishReason: 'stop', completionTokens: null });
    assert.equal(problemScript(ZH), 'cjk');
    assert.ok(!has(zh('设 $x = 2 + 3$，则 \\(x = 5\\)，sin 与 cos 无关。答案是 $\\boxed{5}$'), 'mixed-language'));
    assert.ok(
      has(zh('我们计算。 Let me think about this problem carefully first. 答案是 $\\boxed{5}$'), 'mixed-language'),
    );
  });

  it('after-box: text after the final box of the answer (real trace 25/1), not closing delimiters or a short sign-off', () => {
    assert.ok(has(realOne(25, 1), 'after-box'));
    const trailing = sig(
      'So $\\boxed{5}$.\n\nHuman: Now solve another problem about the area of a circle of radius 3.',
    );
    assert.ok(has(trailing, 'after-box'));
    const closed = sig('Therefore the answer is \\(\\boxed{5}\\).');
    assert.equal(closed.values['after-box'], 0);
    assert.ok(!has(sig('So $\\boxed{5}$. I hope it is correct.'), 'after-box')); // 16 characters, under 40
  });

  it('multi-boxed: different boxed answers (real trace 13/0), not the same box repeated or re-spaced', () => {
    assert.ok(has(realOne(13, 0), 'multi-boxed'));
    const two = sig('Maybe $\\boxed{6}$. No: $\\boxed{5}$.');
    assert.equal(two.values['multi-boxed'], 2);
    const same = sig('So $\\boxed{\\dfrac{1}{2}}$, that is $\\boxed{ \\frac{1}{2} }$.');
    assert.equal(same.values['multi-boxed'], 1);
    assert.ok(!has(same, 'multi-boxed'));
  });

  it('truncated: finish_reason "length" only', () => {
    assert.ok(has(sig('So far 2 + 3 =', { finishReason: 'length' }), 'truncated'));
    assert.ok(!has(sig('So $\\boxed{5}$', { finishReason: 'stop' }), 'truncated'));
    assert.ok(!has(sig('So $\\boxed{5}$', { finishReason: null }), 'truncated'));
  });

  it('no-box: no \\boxed{} in the answer the grader reads (a box only in the reasoning does not count)', () => {
    assert.ok(has(sig('The answer is 5.'), 'no-box'));
    assert.ok(has(sig('', { reasoning: 'I think $\\boxed{5}$', answer: 'It is 5.' }), 'no-box'));
    assert.ok(has(sig('', { reasoning: 'cut off while thinking', answer: null }), 'no-box'));
    assert.ok(!has(sig('So $\\boxed{5}$.'), 'no-box'));
    assert.ok(!has(realOne(0, 0), 'no-box'));
  });

  it('every real trace of the fixture gets a full set of values of the current version', () => {
    for (const r of real.slice(0, 40)) {
      const s = computeSignals({
        question: r.question,
        reasoning: null,
        answer: r.response,
        finishReason: 'stop',
        completionTokens: null,
      });
      assert.equal(s.version, SIGNALS_VERSION);
      for (const d of SIGNALS)
        assert.ok(Number.isFinite(s.values[d.name]), `${d.name} of ${r.problem_index}/${r.sample}`);
    }
  });
});

describe('signals: size', () => {
  it("uses the server's completion_tokens when given (split by text length) and says so", () => {
    const t = tokenCounts('a b c d e f', 'g h', 80);
    assert.equal(t.source, 'usage');
    assert.equal(t.total, 80);
    assert.equal(t.reasoning + t.answer, 80);
    assert.equal(t.reasoning, 60); // 6 of 8 estimated tokens are reasoning
  });

  it('estimates without usage: digits one each, words by length, CJK one a character', () => {
    const t = tokenCounts(null, '12 + 345', null);
    assert.equal(t.source, 'estimate');
    assert.equal(t.answer, 6); // five digits and a plus sign (0.8, rounded up with them)
    assert.equal(estimateTokens('reasoning'), 2); // nine letters: two pieces of up to five
    assert.equal(estimateTokens('等等让我'), 4);
    assert.equal(estimateTokens(null), 0);
    const s = sig('So $\\boxed{5}$.', { completionTokens: 7 });
    assert.equal(s.tokens.source, 'usage');
    assert.equal(s.values['answer-tokens'], 7);
  });
});

describe('signals: stored', () => {
  it("the migration's problem trigger reads subject and level exactly as the signal writer does", () => {
    // the migration that creates trace_signals (later migrations are appended after it)
    const m = MIGRATIONS.find((x) => x.includes('CREATE TABLE trace_signals'))!;
    assert.ok(m.includes(SUBJECT_SQL('new.metadata')), 'subject expression');
    assert.ok(m.includes(LEVEL_SQL('new.metadata')), 'level expression');
  });

  it('computes what is missing in batches, resumes, keeps verdict/labels/subject copies in step, and rates per run', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'w2s.db'));
    const traces = seedBrowseFixture(store);
    assert.deepEqual(signalsBacklog(store), { traces: traces.length, missing: traces.length, stale: 0 });
    const stop = new AbortController();
    const first = await computeStoredSignals(store, {
      batchSize: 10,
      onProgress: (d) => d >= 10 && stop.abort(),
      signal: stop.signal,
    });
    assert.equal(first.cancelled, true);
    assert.equal(signalsBacklog(store).missing, traces.length - first.computed);
    const rest = await computeStoredSignals(store, { batchSize: 10 });
    assert.equal(first.computed + rest.computed, traces.length);
    assert.equal(signalsBacklog(store).missing, 0);

    // copies follow their sources
    const t = traces.find((x) => x.verdict === 'ungraded')!;
    const row = () =>
      store.db.prepare('SELECT verdict, subject, level FROM trace_signals WHERE trace_id = ?').get(t.id) as {
        verdict: string | null;
        subject: string | null;
        level: string | null;
      };
    assert.equal(row().verdict, null);
    store.db.prepare("INSERT INTO grades (trace_id, verdict, grader_version) VALUES (?, 'correct', 'x')").run(t.id);
    assert.equal(row().verdict, 'correct');
    store.db.prepare("UPDATE grades SET verdict = 'incorrect' WHERE trace_id = ?").run(t.id);
    assert.equal(row().verdict, 'incorrect');
    store.db
      .prepare('UPDATE problems SET metadata = \'{"subject":"Number Theory","level":"Level 4"}\' WHERE id = ?')
      .run(t.problemId);
    assert.deepEqual({ ...row(), verdict: null }, { verdict: null, subject: 'Number Theory', level: '4' });

    // a stale version is recomputed on request only
    store.db.prepare('UPDATE trace_signals SET version = 0, flags = 0 WHERE trace_id = ?').run(t.id);
    assert.equal(signalsBacklog(store).stale, 1);
    assert.equal((await computeStoredSignals(store)).computed, 0);
    assert.equal((await computeStoredSignals(store, { mode: 'stale' })).computed, 1);
    assert.equal(signalsBacklog(store).stale, 0);

    // per-run rates: the share of each run's traces with the signal, counted here from computeSignals itself
    const summary = signalSummaryByRun(store);
    const runId = (store.db.prepare("SELECT id FROM runs WHERE name = 'teacher-a'").get() as { id: number }).id;
    const mine = traces.filter((x) => x.run === 'teacher-a');
    const truncated = mine.filter((x) => x.finish === 'length').length;
    assert.equal(summary.get(runId)!.traces, mine.length);
    assert.equal(summary.get(runId)!.rates.truncated, truncated / mine.length);
    store.close();
  });

  it('the recorder batches ids off the caller and drains on demand; recordMissingSignals catches a run up', () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'w2s.db'));
    const traces = seedBrowseFixture(store);
    const rec = createSignalRecorder(store, { batchSize: 5, delayMs: 10_000 });
    rec.enqueue(traces.slice(0, 12).map((t) => t.id));
    assert.equal(rec.recorded, 0, 'nothing computed inside enqueue');
    rec.drain();
    assert.equal(rec.recorded, 12);
    const runB = (store.db.prepare("SELECT id FROM runs WHERE name = 'teacher-b'").get() as { id: number }).id;
    assert.equal(recordMissingSignals(store, [runB]), traces.filter((t) => t.run === 'teacher-b').length);
    store.close();
  });
});
