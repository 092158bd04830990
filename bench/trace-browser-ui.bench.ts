/**
 * The Traces view in a real VS Code (code-server + Chromium, the packaged .vsix): the time from a filter
 * change (a facet ticked, a search, a sort) to the updated list on screen, with 100,000 traces in the
 * store. The webview measures it itself, from the change event to the frame after the list rendered
 * (facet counts and the first page come from the store through the extension). Baseline in the same run,
 * in the same window: the same changes over a store of 1,000 traces (the extension switches stores when
 * `w2s.storePath` changes), so the ratio is what the store's size costs. Goal: ≤ 150 ms.
 *
 * Run: npm run bench -- trace-browser-ui   (W2S_BENCH_UI_TRACES=N for another size; the stores are
 * built once into .cache/bench/ and reused). Needs the .vsix (npm run package) and code-server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { buildLargeStore } from '../test/support/browser-store';
import { VSIX, findWebviewFrame, launchWorkbench, openViewContainer, tempFolder } from '../test/e2e/harness';

const N = Number(process.env.W2S_BENCH_UI_TRACES ?? 100_000);
const BASELINE_N = 1_000;
const REPEATS = Number(process.env.W2S_BENCH_UI_REPEATS ?? 5);
const CACHE = path.resolve(__dirname, '..', '.cache', 'bench');

async function storeOf(n: number): Promise<string> {
  fs.mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `browser-ui-${n}-v1.db`);
  if (!fs.existsSync(file)) {
    const t = Date.now();
    const tmp = `${file}.partial`;
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
    await buildLargeStore(tmp, n);
    fs.renameSync(tmp, file);
    console.log(
      `built a store of ${n.toLocaleString('en-US')} traces in ${((Date.now() - t) / 1000).toFixed(0)} s: ${path.relative(process.cwd(), file)}`,
    );
  }
  return file;
}

function setStore(folder: string, file: string): void {
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'w2s.storePath': file }, null, 2));
}

/**
 * Waits for the list of the next filter change (the webview's own timing, and how much of it was the
 * wait for the extension's page), then for its facet counts, so the next change starts on an idle host.
 * The wait runs inside the page (polling every 50 ms there) and not as a CDP call every few ms from
 * here: on two cores such polling takes the CPU the measured path needs.
 */
async function waitForRender(
  frame: Frame,
  after: number,
  timeout = 60_000,
): Promise<{ seq: number; ms: number; pageMs: number }> {
  const handle = await frame.waitForFunction(
    (n) => {
      // runs in the webview (this file's types have no DOM)
      const d = (globalThis as unknown as { document: { body: { dataset: Record<string, string | undefined> } } })
        .document.body.dataset;
      const seq = Number(d.renderSeq ?? 0);
      return seq > n && Number(d.facetsSeq ?? 0) >= seq
        ? { seq, ms: Number(d.renderMs), pageMs: Number(d.pageMs) }
        : false;
    },
    after,
    { polling: 50, timeout },
  );
  return (await handle.jsonValue()) as { seq: number; ms: number; pageMs: number };
}

type Change = { name: string; act: (f: Frame) => Promise<void> };

const facet = (f: Frame, name: string, value: string) =>
  f.locator(`.facet-value[data-facet="${name}"][data-value="${value}"] vscode-checkbox`).click();
const CHANGES: Change[] = [
  { name: 'verdict: incorrect', act: (f) => facet(f, 'verdict', 'incorrect') },
  { name: 'verdict: clear', act: (f) => facet(f, 'verdict', 'incorrect') },
  { name: 'signal: reflection', act: (f) => facet(f, 'signal', 'reflection') },
  { name: 'signal: clear', act: (f) => facet(f, 'signal', 'reflection') },
  { name: 'run: teacher-1', act: (f) => facet(f, 'run', 'teacher-1') },
  { name: 'run: clear', act: (f) => facet(f, 'run', 'teacher-1') },
  {
    name: 'search "wait"',
    act: async (f) => {
      const input = f.locator('vscode-textfield.search input');
      await input.fill('wait');
      await input.press('Enter');
    },
  },
  {
    name: 'search: clear',
    act: async (f) => {
      const input = f.locator('vscode-textfield.search input');
      await input.fill('');
      await input.press('Enter');
    },
  },
];

async function measure(frame: Frame): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const page: number[] = [];
  out.set('(of which: waiting for the page)', page);
  let seq = Number((await frame.locator('body').getAttribute('data-render-seq')) ?? 0);
  for (let r = 0; r < REPEATS; r++) {
    for (const c of CHANGES) {
      await c.act(frame);
      const done = await waitForRender(frame, seq);
      seq = done.seq;
      if (r > 0) {
        // the first round warms caches
        out.set(c.name, [...(out.get(c.name) ?? []), done.ms]);
        page.push(done.pageMs);
      }
    }
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main(): Promise<void> {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run "npm run package" first`);
  const big = await storeOf(N);
  const small = await storeOf(BASELINE_N);
  const folder = tempFolder('bench-ui');
  setStore(folder, big);
  const wb = await launchWorkbench({ vsix: VSIX, folder });
  try {
    await openViewContainer(wb.page, 'W2S');
    const frame = await findWebviewFrame(
      wb.page,
      `.facet-value[data-facet="verdict"][data-value="incorrect"]`,
      120_000,
    );
    await frame.locator('w2s-traces .row[data-id]').first().waitFor({ state: 'visible', timeout: 60_000 });
    const results: { store: number; times: Map<string, number[]> }[] = [];
    results.push({ store: N, times: await measure(frame) });
    setStore(folder, small);
    await frame
      .locator('.summary .count', { hasText: `of ${BASELINE_N.toLocaleString('en-US')} traces` })
      .waitFor({ timeout: 60_000 });
    results.push({ store: BASELINE_N, times: await measure(frame) });
    const [ours, base] = results as [(typeof results)[0], (typeof results)[0]];
    console.log(
      `\nfilter change → updated list in the Traces view (code-server, Chromium; ${REPEATS - 1} rounds after a warm-up; ms)`,
    );
    console.log(
      `${'change'.padEnd(22)} ${`${N.toLocaleString('en-US')} p50`.padStart(12)} ${'p95'.padStart(7)} ${`${BASELINE_N.toLocaleString('en-US')} p50`.padStart(10)} ${'ratio'.padStart(6)}`,
    );
    const all: number[] = [];
    const allBase: number[] = [];
    for (const c of CHANGES) {
      const a = ours.times.get(c.name) ?? [];
      const b = base.times.get(c.name) ?? [];
      all.push(...a);
      allBase.push(...b);
      console.log(
        `${c.name.padEnd(22)} ${pct(a, 50).toFixed(0).padStart(12)} ${pct(a, 95).toFixed(0).padStart(7)} ${pct(b, 50).toFixed(0).padStart(10)} ${(pct(a, 50) / pct(b, 50)).toFixed(2).padStart(6)}`,
      );
    }
    const p95 = pct(all, 95);
    const pa = ours.times.get('(of which: waiting for the page)') ?? [];
    const pb = base.times.get('(of which: waiting for the page)') ?? [];
    console.log(
      `${'  …waiting for the page'.padEnd(22)} ${pct(pa, 50).toFixed(0).padStart(12)} ${pct(pa, 95).toFixed(0).padStart(7)} ${pct(pb, 50).toFixed(0).padStart(10)} ${(pct(pa, 50) / pct(pb, 50)).toFixed(2).padStart(6)}`,
    );
    console.log(
      `${'all changes'.padEnd(22)} ${pct(all, 50).toFixed(0).padStart(12)} ${p95.toFixed(0).padStart(7)} ${pct(allBase, 50).toFixed(0).padStart(10)} ${(pct(all, 50) / pct(allBase, 50)).toFixed(2).padStart(6)}`,
    );
    console.log(`goal ≤ 150 ms: p95 ${p95.toFixed(0)} ms ${p95 <= 150 ? 'met' : 'NOT met'}`);
  } finally {
    await wb.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
