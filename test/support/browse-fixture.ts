import type { Store } from '../../src/core/store/open';
import { realTraces } from './traces-fixture';

/**
 * A small store for the trace browser's tests, written straight through SQL (no signals yet): two
 * problem sets (one with MATH subject/level metadata, one without), three runs, three samples a
 * problem, texts from the real Qwen2.5-Math responses varied so that every facet value and every
 * signal occurs, every verdict, some labels, latencies and token usage present or not, and one failed
 * trace (no text) that the browser must never show.
 */
export interface FixtureTrace {
  id: number;
  run: string;
  model: string;
  set: string;
  problemId: number;
  problemKey: string;
  position: number;
  sample: number;
  question: string;
  reasoning: string | null;
  answer: string | null;
  finish: string | null;
  completionTokens: number | null;
  latencyMs: number | null;
  verdict: 'correct' | 'incorrect' | 'no-answer' | 'error' | 'ungraded';
  decision: 'accept' | 'reject' | null;
  star: boolean;
  note: string | null;
  subject: string | null;
  level: string | null;
}

export const VARIANTS = [
  'plain',
  'think',
  'loop',
  'chinese',
  'two-boxes',
  'no-box',
  'after-box',
  'reflective',
] as const;

export function variantText(
  variant: (typeof VARIANTS)[number],
  base: string,
  i: number,
): { reasoning: string | null; answer: string; finish: string | null } {
  switch (variant) {
    case 'think':
      return {
        reasoning: `Let me think. ${base}\nWait, let me check the arithmetic again.`,
        answer: `So the answer is $\\boxed{${i}}$.`,
        finish: 'stop',
      };
    case 'loop':
      return {
        reasoning: null,
        answer: `${base.slice(0, 300)}\n${'so we add the two terms again and '.repeat(12)}so we add`,
        finish: 'length',
      };
    case 'chinese':
      return { reasoning: null, answer: `${base}\n等等，让我验证一下这个答案。`, finish: 'stop' };
    case 'two-boxes':
      return {
        reasoning: null,
        answer: `First I get $\\boxed{${i + 1}}$. That's not right, let me redo it. ${base}`,
        finish: 'stop',
      };
    case 'no-box':
      return { reasoning: null, answer: base.replace(/\\boxed\{/g, '{'), finish: 'stop' };
    case 'after-box':
      return {
        reasoning: null,
        answer: `${base}\n\nHuman: Here is another problem for you to solve, about the area of a circle of radius 3.`,
        finish: 'stop',
      };
    case 'reflective':
      // imported without a finish reason
      return { reasoning: null, answer: `Hmm, alternatively we could verify by substitution. ${base}`, finish: null };
    default:
      return { reasoning: null, answer: base, finish: 'stop' };
  }
}

const VERDICT_CYCLE = [
  'correct',
  'incorrect',
  'correct',
  'no-answer',
  'correct',
  'error',
  'incorrect',
  'ungraded',
] as const;

export function seedBrowseFixture(store: Store): FixtureTrace[] {
  const db = store.db;
  const real = realTraces();
  const out: FixtureTrace[] = [];
  db.transaction(() => {
    const set = db.prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES (?, 'fixture', 'x')");
    const problem = db.prepare(
      "INSERT INTO problems (set_id, key, position, question, answer, answer_type, metadata) VALUES (?, ?, ?, ?, ?, 'math', ?)",
    );
    const run = db.prepare("INSERT INTO runs (name, kind, set_id, model, status) VALUES (?, 'import', ?, ?, 'done')");
    const trace = db.prepare(
      `INSERT INTO traces (run_id, problem_id, sample_index, prompt, reasoning, answer, finish_reason, completion_tokens, latency_ms, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const grade = db.prepare(
      "INSERT INTO grades (trace_id, extracted, verdict, grader_version) VALUES (?, ?, ?, 'fixture')",
    );
    const label = db.prepare('INSERT INTO labels (trace_id, decision, star, note) VALUES (?, ?, ?, ?)');

    const sets = [
      {
        name: 'math-a',
        problems: 6,
        meta: (i: number) => ({
          subject: i % 2 ? 'Geometry' : 'Algebra',
          level: i % 3 === 0 ? i + 1 : `Level ${(i % 5) + 1}`,
        }),
      },
      { name: 'gsm-b', problems: 4, meta: () => ({}) },
    ];
    const problems = new Map<
      string,
      { id: number; key: string; position: number; question: string; subject: string | null; level: string | null }[]
    >();
    for (const s of sets) {
      const setId = Number(set.run(s.name).lastInsertRowid);
      const list = [];
      for (let i = 0; i < s.problems; i++) {
        const r = real[(i * 8 + (s.name === 'gsm-b' ? 200 : 0)) % real.length]!;
        const meta = s.meta(i) as { subject?: string; level?: string | number };
        const id = Number(
          problem.run(setId, `${s.name}-${i}`, i, r.question, r.gold, JSON.stringify(meta)).lastInsertRowid,
        );
        list.push({
          id,
          key: `${s.name}-${i}`,
          position: i,
          question: r.question,
          subject: meta.subject ?? null,
          level: meta.level === undefined ? null : String(meta.level).replace(/^Level /, ''),
        });
      }
      problems.set(s.name, list);
    }
    const runs = [
      { name: 'teacher-a', model: 'm1', set: 'math-a' },
      { name: 'teacher-b', model: 'm2', set: 'math-a' },
      { name: 'teacher-c', model: 'm1', set: 'gsm-b' },
    ];
    let k = 0;
    for (const rDef of runs) {
      const setId = (db.prepare('SELECT id FROM problem_sets WHERE name = ?').get(rDef.set) as { id: number }).id;
      const runId = Number(run.run(rDef.name, setId, rDef.model).lastInsertRowid);
      for (const p of problems.get(rDef.set)!) {
        for (let sample = 0; sample < 3; sample++, k++) {
          const base = real[(p.position * 8 + sample + (rDef.name === 'teacher-b' ? 3 : 0)) % real.length]!.response;
          const v = VARIANTS[k % VARIANTS.length]!;
          const t = variantText(v, base, k);
          const completionTokens = k % 3 === 0 ? null : 100 + k * 37;
          const latencyMs = k % 5 === 0 ? null : 1000 + k * 250;
          const id = Number(
            trace.run(
              runId,
              p.id,
              sample,
              `prompt ${k}`,
              t.reasoning,
              t.answer,
              t.finish,
              completionTokens,
              latencyMs,
              null,
            ).lastInsertRowid,
          );
          const verdict = VERDICT_CYCLE[k % VERDICT_CYCLE.length]!;
          if (verdict !== 'ungraded') grade.run(id, String(k), verdict);
          const decision = k % 7 === 1 ? 'accept' : k % 7 === 4 ? 'reject' : null;
          const star = k % 5 === 2;
          const note = k % 11 === 3 ? `note ${k}` : null;
          if (decision || star || note) label.run(id, decision, star ? 1 : 0, note);
          out.push({
            id,
            run: rDef.name,
            model: rDef.model,
            set: rDef.set,
            problemId: p.id,
            problemKey: p.key,
            position: p.position,
            sample,
            question: p.question,
            reasoning: t.reasoning,
            answer: t.answer,
            finish: t.finish,
            completionTokens,
            latencyMs,
            verdict,
            decision,
            star,
            note,
            subject: p.subject,
            level: p.level,
          });
        }
      }
      // a trace whose every attempt failed: stored without text, never in the browser
      trace.run(
        runId,
        problems.get(rDef.set)![0]!.id,
        9,
        'prompt',
        null,
        null,
        null,
        null,
        null,
        'HTTP 500 after 6 attempts',
      );
    }
  })();
  return out;
}
