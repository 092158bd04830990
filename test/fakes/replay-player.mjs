// Plays back a log the W2S runner really printed (a replay fixture), as the job's driver process:
// the fake Ray Jobs server runs it in place of `python -m w2s_runner …` so that the success path of a
// GPU job can be exercised where no GPU (and no torch) exists. Lines come out at the given pace, and
// some are written in two pieces with a pause between them, as a driver's output reaches Ray's log
// file. SIGTERM ends it at once, like the runner; the exit code follows the log's `done` record.
//
//   node replay-player.mjs FIXTURE.log [delay-ms-per-line [hold-after-lines GATE-FILE]]
//
// With a gate, it stops after that many lines until GATE-FILE exists (a test that must see a job
// half-way opens the gate once it has looked), like a job that is still training.
import * as fs from 'node:fs';

const [file, delayArg, holdArg, gate] = process.argv.slice(2);
const delay = Number(delayArg ?? 20);
const holdAfter = holdArg === undefined ? Infinity : Number(holdArg);
let lines = fs.readFileSync(file, 'utf8').split('\n');
if (lines.at(-1) === '') lines.pop();
// An eval job generates only the problems (and sample indices) its data/problems.jsonl asks for, as the
// runner does: a job for some problems replays only their samples.
if (fs.existsSync('data/problems.jsonl')) {
  const asked = new Map();
  for (const l of fs.readFileSync('data/problems.jsonl', 'utf8').split('\n')) {
    if (l.trim()) {
      const p = JSON.parse(l);
      asked.set(p.key, new Set(p.indices ?? [0]));
    }
  }
  lines = lines.filter((l) => {
    const i = l.indexOf('@@w2s ');
    if (i < 0) return true;
    try {
      const r = JSON.parse(l.slice(i + 6));
      return r.type !== 'sample' || asked.get(r.problem)?.has(r.index ?? 0) === true;
    } catch {
      return true;
    }
  });
}
let ok = false;
for (const l of lines) {
  const i = l.indexOf('@@w2s ');
  if (i >= 0) {
    try {
      const r = JSON.parse(l.slice(i + 6));
      if (r.type === 'done') ok = r.ok === true;
    } catch {
      // not a record
    }
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const write = (b) => new Promise((r) => process.stdout.write(b, r));
for (let n = 0; n < lines.length; n++) {
  if (n === holdAfter) while (!fs.existsSync(gate)) await sleep(50);
  // Bytes, cut anywhere (even inside a UTF-8 sequence): the log file only ever sees whole bytes.
  const line = Buffer.from(`${lines[n]}\n`, 'utf8');
  if (n % 7 === 3 && line.length > 8) {
    const cut = Math.floor(line.length / 2);
    await write(line.slice(0, cut));
    await sleep(Math.max(1, delay / 2));
    await write(line.slice(cut));
  } else {
    await write(line);
  }
  if (delay > 0) await sleep(delay);
}
process.exitCode = ok ? 0 : 1;
