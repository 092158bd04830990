/**
 * Finds a model's config.json for the memory planner without downloading anything: a file given as
 * such, a folder holding one, or the Hugging Face cache's copy of a hub id
 * (`$HF_HUB_CACHE` or `$HF_HOME/hub` or `~/.cache/huggingface/hub`, `models--ORG--NAME/snapshots/REV/config.json`,
 * the layout huggingface_hub writes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { W2sError } from '../errors';

export interface FoundConfig {
  readonly path: string;
  readonly config: unknown;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new W2sError(
      `Cannot read the model config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
      'BAD_MODEL_CONFIG',
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new W2sError(`${file}: not valid JSON (${(e as Error).message}).`, 'BAD_MODEL_CONFIG');
  }
}

export function hubCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return path.join(env.HF_HOME, 'hub');
  return path.join(os.homedir(), '.cache', 'huggingface', 'hub');
}

/** config.json of `modelConfig` (a file) or `baseModel` (a folder, or a hub id in the local cache). */
export function findModelConfig(opts: {
  modelConfig?: string;
  baseModel?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): FoundConfig {
  if (opts.modelConfig) {
    const file = path.resolve(opts.cwd, opts.modelConfig);
    const target = fs.existsSync(file) && fs.statSync(file).isDirectory() ? path.join(file, 'config.json') : file;
    return { path: target, config: readJson(target) };
  }
  const id = opts.baseModel;
  if (!id)
    throw new W2sError(
      'Give the model: --model-config config.json or --base-model ID (a folder, or a hub id in the local Hugging Face cache).',
      'BAD_MODEL_CONFIG',
    );
  const folder = path.resolve(opts.cwd, id);
  if (fs.existsSync(path.join(folder, 'config.json')))
    return { path: path.join(folder, 'config.json'), config: readJson(path.join(folder, 'config.json')) };
  const snapshots = path.join(hubCacheDir(opts.env), `models--${id.replace(/\//g, '--')}`, 'snapshots');
  const revs = fs.existsSync(snapshots)
    ? fs.readdirSync(snapshots).filter((r) => fs.existsSync(path.join(snapshots, r, 'config.json')))
    : [];
  if (revs.length) {
    const newest = revs
      .map((r) => path.join(snapshots, r, 'config.json'))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0]!;
    return { path: newest, config: readJson(newest) };
  }
  throw new W2sError(
    `No config.json for ${id}: it is not a folder here and not in the Hugging Face cache (${snapshots}). ` +
      `Give the model's config.json with --model-config (e.g. from https://huggingface.co/${id}/blob/main/config.json).`,
    'MODEL_CONFIG_NOT_FOUND',
  );
}
