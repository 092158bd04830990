import { spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Starts the fake OpenAI-compatible server in a process of its own (so that its work never shares the
 * event loop being measured) and resolves with its URL once it listens. W2S_FAKE_SERVER_JS names a
 * bundled copy, for machines without tsx.
 */
export async function spawnFakeServer(args: string[], root = ROOT): Promise<{ url: string; stop: () => void }> {
  const script = process.env.W2S_FAKE_SERVER_JS
    ? [path.resolve(process.env.W2S_FAKE_SERVER_JS)]
    : ['--import', 'tsx', path.join(root, 'test', 'fakes', 'openai-server.ts')];
  const child = spawn(process.execPath, [...script, '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`fake server exited (${code})`)));
  });
  return { url, stop: () => child.kill() };
}
