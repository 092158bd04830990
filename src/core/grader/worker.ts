/**
 * Worker-thread entry of the grader pool. Bundled by esbuild as its own file (dist/grading-worker.js);
 * under tsx the pool starts it from this .ts file with `--import tsx`.
 */
import { parentPort } from 'node:worker_threads';
import { handleBatch, type BatchRequest, type WorkerMessage } from './worker-messages';

const port = parentPort;
if (port) {
  const post = (m: WorkerMessage): void => port.postMessage(m);
  port.on('message', (req: BatchRequest) => handleBatch(req, post));
  post({ type: 'ready' });
}
