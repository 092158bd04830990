/**
 * A worker-thread pool for grading: never blocks the caller's thread. Items are sent in batches; each
 * item has a hard time cap: a worker that exceeds it is terminated and replaced, the item gets verdict
 * `error` with detail `timeout`, and the rest of its batch is re-queued.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BatchRequest, WorkerMessage } from './protocol';
import type { GradeInput, GradeResult } from './types';

export interface GraderPoolOptions {
  /** Number of worker threads (default `os.availableParallelism()`). */
  size?: number;
  /** Hard cap per item in ms; the worker is killed past it (default 10000). */
  timeoutMs?: number;
  /** Soft cap per item inside the worker, in ms (default min(2000, timeoutMs / 2)). */
  softTimeoutMs?: number;
  /** Items per message to a worker (default 64). */
  batchSize?: number;
  /** Worker script; default `path.join(__dirname, 'grading-worker.js')`. A `.ts` path runs with `--import tsx`. */
  workerPath?: string;
  /** Extra time for a fresh worker to load before its first item counts (default 15000 ms). */
  startupGraceMs?: number;
}

export interface GraderPool {
  readonly size: number;
  /** Grade items; results are in input order. */
  grade(items: GradeInput[]): Promise<GradeResult[]>;
  /** Terminate the workers; pending `grade` calls reject. */
  close(): Promise<void>;
  /** Workers started so far, replacements included (for tests and diagnostics). */
  readonly stats: { started: number; killed: number };
}

interface Job {
  results: GradeResult[];
  remaining: number;
  resolve: (r: GradeResult[]) => void;
  reject: (e: Error) => void;
}

interface Task {
  job: Job;
  items: GradeInput[];
  offset: number; // index of items[0] in the job
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  taskId: number;
  next: number; // index in task.items of the item being graded
  timer: NodeJS.Timeout | null;
  dead: boolean;
}

export function defaultWorkerPath(): string {
  return path.join(__dirname, 'grading-worker.js');
}

export function createGraderPool(options: GraderPoolOptions = {}): GraderPool {
  const size = Math.max(1, options.size ?? os.availableParallelism());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const softTimeoutMs = options.softTimeoutMs ?? Math.min(2000, Math.floor(timeoutMs / 2));
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const workerPath = options.workerPath ?? defaultWorkerPath();
  const startupGraceMs = options.startupGraceMs ?? 15_000;
  const isTs = /\.[cm]?ts$/.test(workerPath);

  const slots: Slot[] = [];
  const queue: Task[] = [];
  const jobs = new Set<Job>();
  const stats = { started: 0, killed: 0 };
  let nextTaskId = 1;
  let closed = false;

  function finishItem(slot: Slot, result: GradeResult): void {
    const task = slot.task!;
    const job = task.job;
    job.results[task.offset + slot.next] = result;
    job.remaining--;
    slot.next++;
    if (job.remaining === 0) {
      jobs.delete(job);
      job.resolve(job.results);
    }
  }

  function armTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    const ms = timeoutMs + (slot.ready ? 0 : startupGraceMs);
    slot.timer = setTimeout(() => fail(slot, 'timeout'), ms);
  }

  /** The current item of a slot failed (timeout / crash): record it, drop the worker, re-queue the rest. */
  function fail(slot: Slot, detail: string): void {
    if (slot.dead) return;
    if (!slot.ready && detail !== 'timeout') {
      startupFailure(slot, detail);
      return;
    }
    slot.dead = true;
    if (slot.timer) clearTimeout(slot.timer);
    slots.splice(slots.indexOf(slot), 1);
    stats.killed++;
    void slot.worker.terminate();
    const task = slot.task;
    if (task && slot.next < task.items.length) {
      finishItem(slot, { extracted: null, verdict: 'error', detail });
      if (slot.next < task.items.length) {
        queue.unshift({ job: task.job, items: task.items.slice(slot.next), offset: task.offset + slot.next });
      }
    }
    slot.task = null;
    dispatch();
  }

  /** A worker that dies before it is ready (bad path, syntax error): fail every pending job loudly. */
  function startupFailure(slot: Slot, detail: string): void {
    slot.dead = true;
    if (slot.timer) clearTimeout(slot.timer);
    slots.splice(slots.indexOf(slot), 1);
    void slot.worker.terminate();
    const err = new Error(`grading worker failed to start (${workerPath}): ${detail}`);
    const failed = new Set<Job>();
    if (slot.task) failed.add(slot.task.job);
    for (const t of queue) failed.add(t.job);
    for (const s of slots) if (s.task) failed.add(s.task.job);
    for (const job of failed) {
      jobs.delete(job);
      job.reject(err);
    }
    // drop their remaining work
    for (let i = queue.length - 1; i >= 0; i--) if (failed.has(queue[i].job)) queue.splice(i, 1);
    for (const s of slots) {
      if (s.task && failed.has(s.task.job)) {
        s.dead = true;
        if (s.timer) clearTimeout(s.timer);
        void s.worker.terminate();
      }
    }
    for (let i = slots.length - 1; i >= 0; i--) if (slots[i].dead) slots.splice(i, 1);
    slot.task = null;
  }

  function spawn(): Slot {
    const worker = isTs
      ? // tsx's ESM hooks (`--import tsx`) do not reach a worker's entry on Node 20: register tsx's
        // CommonJS hook inside the worker, resolved from the worker file, then load the entry.
        new Worker(
          `const r = require('node:module').createRequire(${JSON.stringify(workerPath)}); r('tsx/cjs'); r(${JSON.stringify(workerPath)});`,
          { eval: true },
        )
      : new Worker(workerPath);
    stats.started++;
    const slot: Slot = { worker, ready: false, task: null, taskId: 0, next: 0, timer: null, dead: false };
    worker.on('message', (m: WorkerMessage) => {
      if (slot.dead) return;
      if (m.type === 'ready') {
        slot.ready = true;
        if (slot.task) armTimer(slot);
        return;
      }
      if (m.id !== slot.taskId || !slot.task) return;
      slot.ready = true;
      finishItem(slot, m.result);
      if (slot.next >= slot.task.items.length) {
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
        slot.task = null;
        worker.unref();
        dispatch();
      } else armTimer(slot);
    });
    worker.on('error', (e) => fail(slot, `worker error: ${e.message}`));
    worker.on('exit', (code) => {
      if (!slot.dead && !closed) fail(slot, `worker exited with code ${code}`);
    });
    worker.unref();
    slots.push(slot);
    return slot;
  }

  function dispatch(): void {
    if (closed) return;
    while (queue.length > 0) {
      let slot = slots.find((s) => !s.task && !s.dead);
      if (!slot) {
        if (slots.length >= size) return;
        slot = spawn();
      }
      const task = queue.shift()!;
      slot.task = task;
      slot.taskId = nextTaskId++;
      slot.next = 0;
      slot.worker.ref();
      const req: BatchRequest = { id: slot.taskId, items: task.items, timeoutMs: softTimeoutMs };
      slot.worker.postMessage(req);
      armTimer(slot);
    }
  }

  function grade(items: GradeInput[]): Promise<GradeResult[]> {
    if (closed) return Promise.reject(new Error('grader pool is closed'));
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<GradeResult[]>((resolve, reject) => {
      const job: Job = { results: new Array<GradeResult>(items.length), remaining: items.length, resolve, reject };
      jobs.add(job);
      // spread small jobs over the workers, cap large ones at batchSize
      const chunk = Math.max(1, Math.min(batchSize, Math.ceil(items.length / size)));
      for (let i = 0; i < items.length; i += chunk) {
        const slice = items.slice(i, i + chunk).map((x) => ({ gold: String(x.gold), response: String(x.response), type: x.type }));
        queue.push({ job, items: slice, offset: i });
      }
      dispatch();
    });
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    queue.length = 0;
    const all = slots.splice(0, slots.length);
    for (const s of all) {
      s.dead = true;
      if (s.timer) clearTimeout(s.timer);
    }
    for (const job of jobs) job.reject(new Error('grader pool closed'));
    jobs.clear();
    await Promise.all(all.map((s) => s.worker.terminate()));
  }

  return {
    size,
    grade,
    close,
    get stats() {
      return { ...stats };
    },
  };
}
