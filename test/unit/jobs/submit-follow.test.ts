import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGraderPool, type GraderPool } from '../../../src/core/grader';
import { verdictCountsByRun } from '../../../src/core/grading/counts';
import { createLiveGrader } from '../../../src/core/grading/live-grader';
import { deleteJob, stopJob } from '../../../src/core/jobs/control';
import { followJob } from '../../../src/core/jobs/follow';
import { jobMetrics } from '../../../src/core/jobs/job-metrics';
import { findJob, requireJobById, listJobs } from '../../../src/core/jobs/job-store';
import { createRayClient } from '../../../src/core/jobs/ray-client';
import { isSampleRecord, parseRecord, type SampleRecord } from '../../../src/core/jobs/records';
import { entrypointGpus, submitJob, type SftRequest } from '../../../src/core/jobs/submit';
import { listEvalRuns } from '../../../src/core/results/eval-runs';
import { findRun } from '../../../src/core/runs/runs';
import { BUILTIN_TEMPLATES } from '../../../src/core/sampling/templates';
import { startRayJobsServer, type RayJobsServer } from '../../fakes/ray-jobs-server';
import { REPO_ROOT } from '../../support/tmp';
import { REPLAY_DIR, RUNNER_DIR, freshStore, importSums, replayLog, waitFor, writeDataset } from './helpers';

const sft = (dataset: string, extra: Partial<SftRequest> = {}): SftRequest => ({
  kind: 'sft',
  baseModel: 'Qwen/Qwen2.5-0.5B',
  dataset: { kind: 'file', path: dataset },
  outputDir: '/shared/ckpt/test',
  gpus: 1,
  ...extra,
});

describe('SFT jobs with the real runner on a cluster without torch', () => {
  let ray: RayJobsServer;
  before(async () => {
    ray = await startRayJobsServer({ pendingMs: 10 });
  });
  after(() => ray.close());

  it('uploads the runner, job.json and the data, runs `python -m w2s_runner sft job.json`, and ends FAILED with the missing-packages message', async () => {
    const { store, dir } = freshStore();
    const client = createRayClient({ address: ray.url });
    const progress: string[] = [];
    const job = await submitJob(
      { store, client, runnerDir: RUNNER_DIR, onProgress: (m) => progress.push(m) },
      sft(writeDataset(dir, 7), { name: 'sft-no-torch', settings: { epochs: 3, learning_rate: 2e-5 } }),
    );
    assert.equal(job.name, 'sft-no-torch');
    assert.match(job.submissionId!, /^w2s-sft-no-torch-[0-9a-f]{6}$/);
    assert.ok(['pending', 'running'].includes(job.status), job.status);
    assert.match(progress.join('\n'), /uploading to/);

    // What the cluster got: one package, the job with its entrypoint, GPUs, env and metadata.
    const submit = ray.requests.find((r) => r.method === 'POST' && r.path === '/api/jobs/');
    assert.ok(submit);
    assert.equal(ray.packages.size, 1);
    const lines: string[] = [];
    const final = await followJob({
      store,
      client,
      jobId: job.id,
      onLines: (l) => lines.push(...l.map((x) => x.text)),
    });
    const run = ray.jobRun(job.submissionId!)!;
    assert.ok(fs.existsSync(path.join(run.workingDir!, 'w2s_runner', '__main__.py')));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(run.workingDir!, 'job.json'), 'utf8')), {
      epochs: 3,
      learning_rate: 2e-5,
      base_model: 'Qwen/Qwen2.5-0.5B',
      dataset: 'data/train.jsonl',
      output_dir: '/shared/ckpt/test',
    });
    assert.equal(
      fs
        .readFileSync(path.join(run.workingDir!, 'data', 'train.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean).length,
      7,
    );
    assert.ok(fs.existsSync(path.join(run.workingDir!, 'requirements.txt')));
    assert.equal(run.env!.W2S_JOB, 'sft-no-torch');
    assert.equal(run.env!.PYTHONUNBUFFERED, '1');

    assert.equal(final.status, 'failed');
    assert.equal(final.output.driverExitCode, 3);
    assert.equal(final.output.runnerError?.kind, 'missing_packages');
    assert.match(
      final.error!,
      /^missing packages: torch, transformers, accelerate .*pip install -r runner\/requirements\.txt/,
    );
    assert.ok(
      lines.some((l) => l.startsWith('Running entrypoint for job') && l.endsWith('python -m w2s_runner sft job.json')),
    );
    assert.equal(final.logOffset, lines.length);
    store.close();
  });

  it("a multi-node job is submitted with no GPUs for its driver, so Ray Train's workers get all of them", async () => {
    // The fake cluster has 8 GPUs: a driver asking for 2 x 8 = 16 would stay PENDING until the start timeout.
    const { store, dir } = freshStore();
    const client = createRayClient({ address: ray.url });
    const req = sft(writeDataset(dir, 3), { name: 'sft-two-nodes', gpus: 8, settings: { nodes: 2, gpus: 8 } });
    assert.equal(entrypointGpus(req), 0);
    assert.equal(entrypointGpus({ ...req, settings: { gpus: 8 } }), 8);
    const job = await submitJob({ store, client, runnerDir: RUNNER_DIR }, req);
    const final = await followJob({ store, client, jobId: job.id, onLines: () => {} });
    assert.equal(final.output.runnerError?.kind, 'missing_packages'); // it ran: the driver was not left waiting for GPUs
    store.close();
  });

  it('a dataset line that is not SFT data stops the submission with file:line, before anything is sent', async () => {
    const { store, dir } = freshStore();
    const file = writeDataset(dir, 3);
    fs.appendFileSync(file, '{"text": "plain"}\n');
    const before = ray.requests.length;
    await assert.rejects(
      submitJob({ store, client: createRayClient({ address: ray.url }), runnerDir: RUNNER_DIR }, sft(file)),
      /train\.jsonl:4: not an SFT record/,
    );
    assert.equal(ray.requests.length, before);
    assert.equal(listJobs(store).length, 0);
    store.close();
  });

  it('the runner environment goes in runtime_env (pip pinned by default, image_uri when asked) and is recorded on the job', async () => {
    const { store, dir } = freshStore();
    const client = createRayClient({ address: ray.url });
    const data = writeDataset(dir, 2);
    const pip = await submitJob({ store, client, runnerDir: RUNNER_DIR }, sft(data, { name: 'env-pip' }));
    const image = await submitJob(
      {
        store,
        client,
        runnerDir: RUNNER_DIR,
        environment: { kind: 'image', imageUri: 'rayproject/ray-ml:2.53.0-gpu' },
      },
      sft(data, { name: 'env-image' }),
    );
    const details = await client.list();
    const env = (id: string) => details.find((d) => d.submission_id === id)!.runtime_env as Record<string, unknown>;
    assert.deepEqual(
      (env(pip.submissionId!).pip as { packages: string[] }).packages.filter((p) => p.includes('==')),
      ['torch==2.11.0', 'transformers==5.17.0', 'accelerate==1.15.0', 'peft==0.21.0'],
    );
    assert.equal(env(image.submissionId!).image_uri, 'rayproject/ray-ml:2.53.0-gpu');
    assert.equal(env(image.submissionId!).pip, undefined);
    assert.deepEqual(requireJobById(store, pip.id).spec.environment, { kind: 'pip' });
    assert.deepEqual(requireJobById(store, image.id).spec.environment, {
      kind: 'image',
      imageUri: 'rayproject/ray-ml:2.53.0-gpu',
    });
    // a two-node job writing to ~ is refused before anything is stored or sent
    const sent = ray.requests.length;
    await assert.rejects(
      submitJob(
        { store, client, runnerDir: RUNNER_DIR },
        sft(data, { name: 'two-nodes', outputDir: '~/w2s-checkpoints/x', settings: { nodes: 2 } }),
      ),
      /trains on 2 nodes.*own disk/s,
    );
    assert.equal(ray.requests.length, sent);
    assert.equal(findJob(store, 'two-nodes'), undefined);
    store.close();
  });

  it('data over the bundle limit is refused with the shared-storage fix; a cluster path goes as it is', async () => {
    const { store, dir } = freshStore();
    const big = path.join(dir, 'big.jsonl');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 150 * 1024 * 1024); // sparse: no disk used
    const client = createRayClient({ address: ray.url });
    const sent = ray.requests.length;
    // Ray's dashboard takes at most 100 MiB per request (DASHBOARD_CLIENT_MAX_SIZE): refused before any upload
    await assert.rejects(
      submitJob({ store, client, runnerDir: RUNNER_DIR }, sft(big)),
      /150 MiB, over the 100 MiB .* storage the cluster shares/,
    );
    assert.equal(ray.requests.length, sent, 'nothing was sent');
    const job = await submitJob(
      { store, client, runnerDir: RUNNER_DIR },
      sft('', { dataset: { kind: 'cluster', path: '/shared/data/w2sr-all.jsonl' }, name: 'sft-shared' }),
    );
    assert.equal(job.spec.job.dataset, '/shared/data/w2sr-all.jsonl');
    assert.ok(!job.spec.bundle!.files.some((f) => f.startsWith('data/')));
    store.close();
  });

  it('an unreachable cluster leaves the job in the store as submit-failed, with the reason', async () => {
    const { store, dir } = freshStore();
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const address = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(
      submitJob(
        { store, client: createRayClient({ address }), runnerDir: RUNNER_DIR },
        sft(writeDataset(dir), { name: 'sft-down' }),
      ),
      /connection refused/,
    );
    const job = findJob(store, 'sft-down')!;
    assert.equal(job.status, 'submit-failed');
    assert.match(job.error!, /Cannot reach the Ray cluster at http:\/\/127\.0\.0\.1:\d+: connection refused/);
    store.close();
  });
});

describe('jobs replayed from a log the runner printed on a GPU', () => {
  let ray: RayJobsServer;
  let pool: GraderPool;
  before(async () => {
    ray = await startRayJobsServer({ pendingMs: 10, replay: REPLAY_DIR, lineDelayMs: 2, stopWaitMs: 400 });
    pool = createGraderPool({ size: 1, workerPath: path.join(REPO_ROOT, 'src', 'core', 'grader', 'worker.ts') });
  });
  after(async () => {
    await pool.close();
    await ray.close();
  });

  it('an SFT job succeeds with every metric, checkpoint and the final model in the store, even when followed twice', async () => {
    const fixture = replayLog('sft');
    console.log(`replaying ${path.relative(REPO_ROOT, fixture.file)}`);
    const records = fixture.lines.map(parseRecord).filter((r) => r !== undefined);
    const expectSteps = new Set(records.filter((r) => r!.type === 'metrics').map((r) => r!.step as number));
    const expectCheckpoints = records.filter((r) => r!.type === 'checkpoint').length;
    const { store, dir } = freshStore();
    const client = createRayClient({ address: ray.url });
    const job = await submitJob(
      { store, client, runnerDir: RUNNER_DIR },
      sft(writeDataset(dir), { name: 'sft-replay' }),
    );
    // Follow, give up half way (a window reload), and follow again: nothing lost, nothing twice.
    const controller = new AbortController();
    const first = followJob({ store, client, jobId: job.id, signal: controller.signal });
    await waitFor('some metrics', () => Object.keys(jobMetrics(store, job.id)).length > 0);
    controller.abort();
    await first;
    const partial = requireJobById(store, job.id).logOffset;
    const final = await followJob({ store, client, jobId: job.id });
    assert.equal(final.status, 'succeeded');
    assert.ok(final.logOffset >= fixture.lines.length && final.logOffset > partial);
    const series = jobMetrics(store, job.id);
    assert.deepEqual(
      new Set(series.train_loss!.map(([s]) => s).concat(series.valid_loss?.map(([s]) => s) ?? [])),
      expectSteps,
    );
    const losses = series.train_loss!.map(([, v]) => v);
    assert.ok(losses.at(-1)! < losses[0]!, 'the loss falls');
    assert.equal(final.output.checkpoints!.length, expectCheckpoints);
    assert.ok(final.output.checkpoints!.at(-1)!.final);
    assert.equal(final.output.done?.ok, true);
    assert.equal(
      final.output.totalSteps,
      records.find((r) => r!.type === 'status' && typeof r!.total_steps === 'number')!.total_steps,
    );
    store.close();
  });

  it('an eval job stores one trace per sample in its eval run, graded by the grader like any run', async () => {
    const fixture = replayLog('eval');
    console.log(`replaying ${path.relative(REPO_ROOT, fixture.file)}`);
    const samples = fixture.lines
      .map(parseRecord)
      .filter((r) => r !== undefined && isSampleRecord(r)) as SampleRecord[];
    // The oracle, independent of the grader: is the last boxed number the sum the key names?
    const right = samples.filter((s) => {
      const [, a, b] = /^sum-(\d+)-(\d+)$/.exec(s.problem)!;
      const boxed = [...s.text.matchAll(/\\boxed\{(-?\d+)\}/g)].at(-1);
      return boxed !== undefined && Number(boxed[1]) === Number(a) + Number(b);
    }).length;
    const { store } = freshStore();
    await importSums(store);
    const client = createRayClient({ address: ray.url });
    const grader = createLiveGrader(store, pool);
    const job = await submitJob(
      { store, client, runnerDir: RUNNER_DIR },
      {
        kind: 'eval',
        name: 'eval-replay',
        model: '/shared/ckpt/sft-replay',
        setName: 'sums-heldout',
        template: BUILTIN_TEMPLATES[0]!,
        samplesPerProblem: 1,
        params: { temperature: 0, top_p: 1, max_tokens: 32, seed: 0 },
        gpus: 1,
      },
    );
    assert.match(job.spec.bundle!.files.join(), /data\/problems\.jsonl/);
    const workingDir = await waitFor(
      'the bundle unpacked on the cluster',
      () => ray.jobRun(job.submissionId!)?.workingDir,
    );
    const problemsFile = fs
      .readFileSync(path.join(workingDir, 'data', 'problems.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(problemsFile.length, 200);
    assert.deepEqual(Object.keys(JSON.parse(problemsFile[0]!) as object), ['key', 'messages', 'indices']);
    const final = await followJob({ store, client, jobId: job.id, onTracesStored: (ids) => grader.enqueue(ids) });
    await grader.drain();
    assert.equal(final.status, 'succeeded');
    const run = findRun(store, 'eval-replay')!;
    assert.equal(run.status, 'done');
    assert.equal(run.kind, 'eval');
    const counts = verdictCountsByRun(store).get(run.id)!;
    assert.equal(counts.correct + counts.incorrect + counts['no-answer'] + counts.error, samples.length);
    assert.equal(counts.correct, right);
    // the trace browser lists them at once: their signals are stored as they arrive
    assert.equal(
      (store.db.prepare('SELECT count(*) AS n FROM trace_signals WHERE run_id = ?').get(run.id) as { n: number }).n,
      samples.length,
    );
    const jobOfRun = store.db.prepare('SELECT job_id FROM runs WHERE id = ?').get(run.id) as { job_id: number };
    assert.equal(jobOfRun.job_id, job.id);
    // A second job for the same run asks only for what the run lacks: here, nothing.
    await assert.rejects(
      submitJob(
        { store, client, runnerDir: RUNNER_DIR },
        {
          kind: 'eval',
          name: 'eval-replay-again',
          runName: 'eval-replay',
          model: '/shared/ckpt/sft-replay',
          setName: 'sums-heldout',
          template: BUILTIN_TEMPLATES[0]!,
          samplesPerProblem: 1,
          params: { temperature: 0, top_p: 1, max_tokens: 32, seed: 0 },
          gpus: 1,
        },
      ),
      /Eval run "eval-replay" already has every sample: nothing to generate/,
    );
    // With two samples per problem it is a different experiment: refused, with what differs.
    await assert.rejects(
      submitJob(
        { store, client, runnerDir: RUNNER_DIR },
        {
          kind: 'eval',
          name: 'eval-replay-n2',
          runName: 'eval-replay',
          model: '/shared/ckpt/sft-replay',
          setName: 'sums-heldout',
          template: BUILTIN_TEMPLATES[0]!,
          samplesPerProblem: 2,
          params: { temperature: 0, top_p: 1, max_tokens: 32, seed: 0 },
          gpus: 1,
        },
      ),
      /already exists with different settings \(samples per problem 1 ≠ 2\)/,
    );
    // Some problems again (the Testing view's run profile of a cluster model): only those keys go to the
    // cluster, into a run recorded as a re-run of the evaluation, so results read its newest generation.
    const some = [problemsFile[3]!, problemsFile[150]!].map((l) => (JSON.parse(l) as { key: string }).key);
    const rerun = await submitJob(
      { store, client, runnerDir: RUNNER_DIR },
      {
        kind: 'eval',
        name: 'eval-replay-rerun-1',
        runName: 'eval-replay@rerun-1',
        rerunOf: 'eval-replay',
        problemKeys: some,
        model: '/shared/ckpt/sft-replay',
        setName: 'sums-heldout',
        template: BUILTIN_TEMPLATES[0]!,
        samplesPerProblem: 1,
        params: { temperature: 0, top_p: 1, max_tokens: 32, seed: 0 },
        gpus: 1,
      },
    );
    const rerunDir = await waitFor('the re-run bundle unpacked', () => ray.jobRun(rerun.submissionId!)?.workingDir);
    const sent = fs
      .readFileSync(path.join(rerunDir, 'data', 'problems.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { key: string }).key);
    assert.deepEqual([...sent].sort(), [...some].sort());
    assert.deepEqual(
      listEvalRuns(store)
        .find((r) => r.name === 'eval-replay')
        ?.reruns.map((r) => r.name),
      ['eval-replay@rerun-1'],
    );
    await assert.rejects(
      submitJob(
        { store, client, runnerDir: RUNNER_DIR },
        {
          kind: 'eval',
          name: 'eval-replay-rerun-x',
          runName: 'eval-replay@rerun-x',
          rerunOf: 'eval-replay',
          problemKeys: ['no-such-problem'],
          model: '/shared/ckpt/sft-replay',
          setName: 'sums-heldout',
          template: BUILTIN_TEMPLATES[0]!,
          samplesPerProblem: 1,
          params: { temperature: 0, top_p: 1, max_tokens: 32, seed: 0 },
          gpus: 1,
        },
      ),
      /Problem set "sums-heldout" has no problem "no-such-problem"/,
    );
    store.close();
  });

  it('stop: SIGTERM ends the job STOPPED; a driver that ignores SIGTERM is killed after the wait', async () => {
    const { store } = freshStore();
    const client = createRayClient({ address: ray.url });
    for (const [entrypoint, minMs] of [
      ['while true; do echo tick; sleep 0.05; done', 0],
      ['trap "" TERM; while true; do echo tick; sleep 0.05; done', 400],
    ] as const) {
      const { submission_id } = await client.submit({ entrypoint });
      // Once it prints, its trap is set (a SIGTERM before that would end the shell whatever it meant to do).
      await waitFor('the first tick', async () => (await client.logs(submission_id)).includes('tick'));
      const t0 = Date.now();
      assert.equal(await client.stop(submission_id), true);
      await waitFor('stopped', async () => (await client.job(submission_id)).status === 'STOPPED', 10_000);
      assert.ok(Date.now() - t0 >= minMs, `took ${Date.now() - t0} ms`);
      const d = await client.job(submission_id);
      assert.equal(d.message, 'Job was intentionally stopped.');
      assert.equal(d.driver_exit_code, null);
    }
    store.close();
  });

  it('stopJob and deleteJob through the store: a replay stopped half way, then deleted', async () => {
    const slow = await startRayJobsServer({ pendingMs: 10, replay: REPLAY_DIR, lineDelayMs: 200, stopWaitMs: 400 });
    try {
      const { store, dir } = freshStore();
      const client = createRayClient({ address: slow.url });
      const job = await submitJob(
        { store, client, runnerDir: RUNNER_DIR },
        sft(writeDataset(dir), { name: 'sft-stop' }),
      );
      const following = followJob({ store, client, jobId: job.id });
      await waitFor('running', () => requireJobById(store, job.id).status === 'running');
      const { stopped } = await stopJob(store, client, job.id);
      assert.ok(stopped);
      const final = await following;
      assert.equal(final.status, 'stopped');
      await assert.rejects(stopJob(store, client, job.id), /not running \(stopped\)/);
      assert.equal(await deleteJob(store, client, job.id, { local: true }), true);
      assert.equal(findJob(store, 'sft-stop'), undefined);
      store.close();
    } finally {
      await slow.close();
    }
  });
});
