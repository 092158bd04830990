/**
 * A worker-thread pool for grading: never blocks the caller's thread. Items are sent in batches; each
 * item has a hard time cap: a worker that exceeds it is terminated and replaced, the item gets verdict
 * `error` with detail `timeout`, and the rest of its batch is re-queued.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorkerFile, WORKER_ENTRIES, workerPath as resolveWorkerPath } from '../workers/start-worker';
import type { GradeInput, GradeResult } from './types';
import type { BatchRequest, WorkerMessage } from './worker-messages';
import { timerDelay } from '../timers';

export interface GraderPoolOptions {
  /** Number of worker threads (default `os.availableParallelism()`). */
  size?: number;
  /** Hard cap per item in ms; the worker is killed past it (default 10000). */
  timeoutMs?: number;
  /** Soft cap per item inside the worker, in ms (default min(2000, timeoutMs / 2)). */
  softTimeoutMs?: number;
  /** Items per message to a worker (default 64). */
  batchSize?: number;
  /** Worker script; default the grading-worker bundle beside this one (or its source under tsx). A `.ts` path runs through tsx. */
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
  /**
   * Workers started so far (replacements included), killed (past the time cap, or dead), and of those
   * the ones that died on their own (out of memory, a crash), with the last reason: a caller reports
   * these, as the items they held were graded `error` without being graded.
   */
  readonly stats: { started: number; killed: number; crashed: number; lastCrash?: string };
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
  return resolveWorkerPath(WORKER_ENTRIES.grading) ?? `${__dirname}/${WORKER_ENTRIES.grading.bundle}`;
}

export function createGraderPool(options: GraderPoolOptions = {}): GraderPool {
  return new WorkerPool(options);
}

class WorkerPool implements GraderPool {
  readonly size: number;
  private readonly timeoutMs: number;
  private readonly softTimeoutMs: number;
  private readonly batchSize: number;
  private readonly workerPath: string;
  private readonly startupGraceMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly jobs = new Set<Job>();
  private readonly counters: { started: number; killed: number; crashed: number; lastCrash?: string } = {
    started: 0,
    killed: 0,
    crashed: 0,
  };
  private nextTaskId = 1;
  private closed = false;

  constructor(options: GraderPoolOptions) {
    this.size = Math.max(1, options.size ?? os.availableParallelism());
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.softTimeoutMs = options.softTimeoutMs ?? Math.min(2000, Math.floor(this.timeoutMs / 2));
    this.batchSize = Math.max(1, options.batchSize ?? 64);
    this.workerPath = options.workerPath ?? defaultWorkerPath();
    this.startupGraceMs = options.startupGraceMs ?? 15_000;
  }

  get stats() {
    return { ...this.counters };
  }

  grade(items: GradeInput[]): Promise<GradeResult[]> {
    if (this.closed) return Promise.reject(new Error('grader pool is closed'));
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<GradeResult[]>((resolve, reject) => {
      const job: Job = { results: new Array<GradeResult>(items.length), remaining: items.length, resolve, reject };
      this.jobs.add(job);
      // spread small jobs over the workers, cap large ones at batchSize
      const chunk = Math.max(1, Math.min(this.batchSize, Math.ceil(items.length / this.size)));
      for (let i = 0; i < items.length; i += chunk) {
        const slice = items
          .slice(i, i + chunk)
          .map((x) => ({ gold: String(x.gold), response: String(x.response), type: x.type, mode: x.mode }));
        this.queue.push({ job, items: slice, offset: i });
      }
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    const all = this.slots.splice(0, this.slots.length);
    for (const s of all) {
      s.dead = true;
      if (s.timer) clearTimeout(s.timer);
    }
    for (const job of this.jobs) job.reject(new Error('grader pool closed'));
    this.jobs.clear();
    await Promise.all(all.map((s) => s.worker.terminate()));
  }

  /** Hands queued tasks to idle workers, starting workers up to the pool's size. */
  private dispatch(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.task && !s.dead);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const task = this.queue.shift()!;
      slot.task = task;
      slot.taskId = this.nextTaskId++;
      slot.next = 0;
      slot.worker.ref();
      const req: BatchRequest = { id: slot.taskId, items: task.items, timeoutMs: this.softTimeoutMs };
      slot.worker.postMessage(req);
      this.armTimer(slot);
    }
  }

  private spawn(): Slot {
    const worker = startWorkerFile(this.workerPath);
    this.counters.started++;
    const slot: Slot = { worker, ready: false, task: null, taskId: 0, next: 0, timer: null, dead: false };
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (e) =>
      this.fail(
        slot,
        (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? 'worker ran out of memory'
          : `worker error: ${e.message}`,
      ),
    );
    worker.on('exit', (code) => {
      if (!slot.dead && !this.closed) this.fail(slot, `worker exited with code ${code}`);
    });
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    if (slot.dead) return;
    if (m.type === 'ready') {
      slot.ready = true;
      if (slot.task) this.armTimer(slot);
      return;
    }
    if (m.id !== slot.taskId || !slot.task) return;
    slot.ready = true;
    this.finishItem(slot, m.result);
    if (slot.next < slot.task.items.length) return this.armTimer(slot);
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
    slot.worker.unref();
    this.dispatch();
  }

  private finishItem(slot: Slot, result: GradeResult): void {
    const task = slot.task!;
    const job = task.job;
    job.results[task.offset + slot.next] = result;
    job.remaining--;
    slot.next++;
    if (job.remaining === 0) {
      this.jobs.delete(job);
      job.resolve(job.results);
    }
  }

  private armTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    const ms = this.timeoutMs + (slot.ready ? 0 : this.startupGraceMs);
    slot.timer = setTimeout(() => this.fail(slot, 'timeout'), timerDelay(ms));
  }

  private drop(slot: Slot): void {
    slot.dead = true;
    if (slot.timer) clearTimeout(slot.timer);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }

  /** The current item of a slot failed (timeout / crash): record it, drop the worker, re-queue the rest. */
  private fail(slot: Slot, detail: string): void {
    if (slot.dead) return;
    if (!slot.ready && detail !== 'timeout') return this.startupFailure(slot, detail);
    this.drop(slot);
    this.counters.killed++;
    if (detail !== 'timeout') {
      this.counters.crashed++;
      this.counters.lastCrash = detail;
    }
    const task = slot.task;
    if (task && slot.next < task.items.length) {
      this.finishItem(slot, { extracted: null, verdict: 'error', detail });
      if (slot.next < task.items.length) {
        this.queue.unshift({ job: task.job, items: task.items.slice(slot.next), offset: task.offset + slot.next });
      }
    }
    slot.task = null;
    this.dispatch();
  }

  /** A worker that dies before it is ready (bad path, syntax error): fail every pending job loudly. */
  private startupFailure(slot: Slot, detail: string): void {
    this.drop(slot);
    const err = new Error(`grading worker failed to start (${this.workerPath}): ${detail}`);
    const failed = new Set<Job>();
    if (slot.task) failed.add(slot.task.job);
    for (const t of this.queue) failed.add(t.job);
    for (const s of this.slots) if (s.task) failed.add(s.task.job);
    for (const job of failed) {
      this.jobs.delete(job);
      job.reject(err);
    }
    // drop their remaining work
    for (let i = this.queue.length - 1; i >= 0; i--) if (failed.has(this.queue[i]!.job)) this.queue.splice(i, 1);
    for (const s of [...this.slots]) if (s.task && failed.has(s.task.job)) this.drop(s);
    slot.task = null;
  }
}
