/**
 * Agreement of the grader with labelled gold/prediction pairs from elsewhere (another grader's test suite,
 * a hand-labelled sample), overall and per source and category.
 *
 *   npx tsx bench/grader-agreement.ts PAIRS.jsonl [--misses] [--source NAME]
 *
 * PAIRS.jsonl holds one JSON object per line:
 *   {"gold": "…", "pred": "…", "expected": true|false, "source"?: "…", "category"?: "…", "group"?: "…",
 *    "type"?: "math"|"number"|"choice"|"text", "options"?: {…}}
 * `gold` is a bare answer or a reference solution, `pred` a bare answer or a whole response (as for
 * `w2s grade-pairs`); `expected` is the other grader's verdict; `type` is left to inference when absent;
 * `options` records a non-default option the source used for that pair (reported, not applied); `group`
 * gathers categories across sources (e.g. issue 10's six kinds of answers) and gets its own table.
 * `--misses` prints every disagreement. Pairs files built from other projects' tests stay outside the
 * repository (see the README's *Grading* section for how the published figures were made).
 */
import { readFileSync } from 'node:fs';
import { gradePair, type AnswerType } from '../src/core/grader';

interface Pair {
  gold: string;
  pred: string;
  expected: boolean;
  source?: string;
  category?: string;
  group?: string;
  type?: AnswerType;
  options?: Record<string, unknown>;
}

function readPairs(file: string): Pair[] {
  const pairs: Pair[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let o: Pair;
      try {
        o = JSON.parse(line) as Pair;
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
      }
      if (typeof o.gold !== 'string' || typeof o.pred !== 'string' || typeof o.expected !== 'boolean') {
        throw new Error(`${file}:${i + 1}: needs "gold" and "pred" strings and a boolean "expected"`);
      }
      pairs.push(o);
    });
  return pairs;
}

interface Tally {
  n: number;
  agree: number;
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: npx tsx bench/grader-agreement.ts PAIRS.jsonl [--misses] [--source NAME]');
    process.exit(2);
  }
  const only = args.includes('--source') ? args[args.indexOf('--source') + 1] : undefined;
  const pairs = readPairs(file).filter((p) => !only || p.source === only);
  const bySource = new Map<string, Tally>();
  const byCategory = new Map<string, Tally>();
  const byGroup = new Map<string, Tally>();
  const total: Tally = { n: 0, agree: 0 };
  const misses: string[] = [];
  const t0 = performance.now();
  for (const p of pairs) {
    const r = gradePair({ gold: p.gold, pred: p.pred, type: p.type });
    const ok = r.equal === p.expected;
    const src = p.source ?? '(none)';
    const cat = `${src} / ${p.category ?? '(none)'}`;
    for (const [m, k] of [
      [bySource, src],
      [byCategory, cat],
      ...(p.group ? ([[byGroup, p.group]] as const) : []),
    ] as const) {
      const t = m.get(k) ?? { n: 0, agree: 0 };
      t.n++;
      if (ok) t.agree++;
      m.set(k, t);
    }
    total.n++;
    if (ok) total.agree++;
    else {
      const cut = (s: string): string => (s.length > 160 ? `${s.slice(0, 80)} … ${s.slice(-70)}` : s);
      misses.push(
        `[${cat}] expected ${p.expected}, got ${r.verdict}${r.detail ? ` (${r.detail})` : ''}${p.options ? ` options ${JSON.stringify(p.options)}` : ''}\n` +
          `   gold ${JSON.stringify(cut(p.gold))}\n   pred ${JSON.stringify(cut(p.pred))}\n   extracted ${JSON.stringify(r.extracted)}`,
      );
    }
  }
  const ms = performance.now() - t0;
  const pct = (t: Tally): string => `${t.agree}/${t.n} (${((100 * t.agree) / Math.max(1, t.n)).toFixed(1)}%)`;
  console.log(`agreement with ${file}: ${pct(total)} in ${ms.toFixed(0)} ms`);
  console.log('\nby source:');
  for (const [k, t] of [...bySource].sort()) console.log(`  ${k.padEnd(40)} ${pct(t)}`);
  if (byGroup.size) {
    console.log('\nby group:');
    for (const [k, t] of [...byGroup].sort()) console.log(`  ${k.padEnd(40)} ${pct(t)}`);
  }
  console.log('\nby source / category:');
  for (const [k, t] of [...byCategory].sort()) console.log(`  ${k.padEnd(70)} ${pct(t)}`);
  if (args.includes('--misses')) {
    console.log(`\n${misses.length} disagreement(s):`);
    for (const m of misses) console.log(m);
  }
}

main();
