import { createHash } from 'node:crypto';
import { W2sError } from '../errors';
import { packageUri } from './ray-api';
import { createZip, type ZipEntry } from './zip';

/** Data bigger than this is not zipped into the bundle: it is referenced by a path on storage the cluster shares. */
export const BUNDLE_DATA_LIMIT = 256 * 1024 * 1024;

export interface Bundle {
  /** `_ray_pkg_<md5 of the zip>.zip`, as Ray names a package file (packaging.py get_uri_for_package). */
  readonly name: string;
  /** `gcs://_ray_pkg_….zip`: the job's runtime_env.working_dir. */
  readonly uri: string;
  readonly zip: Buffer;
  readonly files: readonly string[];
}

/** Zips the working directory of a job: paths relative to it, no parent folder (what Ray unpacks). */
export function buildBundle(entries: readonly ZipEntry[]): Bundle {
  const size = entries.reduce((n, e) => n + e.data.length, 0);
  if (size > BUNDLE_DATA_LIMIT) {
    throw new W2sError(
      `The job bundle would hold ${(size / 2 ** 20).toFixed(0)} MiB, over the ${BUNDLE_DATA_LIMIT / 2 ** 20} MiB limit: put the data on storage every node ` +
        'of the cluster can read and give its path instead (--cluster-dataset PATH, or "A path on the cluster…" in VS Code).',
      'BUNDLE_TOO_LARGE',
    );
  }
  const zip = createZip(entries);
  const name = `_ray_pkg_${createHash('md5').update(zip).digest('hex')}.zip`;
  return { name, uri: packageUri(name), zip, files: entries.map((e) => e.path).sort() };
}
