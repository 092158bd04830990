import { createHash } from 'node:crypto';
import { W2sError } from '../errors';
import { packageUri } from './ray-api';
import { createZip, type ZipEntry } from './zip';

/**
 * The largest bundle a Ray dashboard takes: aiohttp refuses request bodies over client_max_size
 * (ray_constants.DASHBOARD_CLIENT_MAX_SIZE = 100 MiB, dashboard/http_server_head.py), and packaging.py's
 * GCS_STORAGE_MAX_SIZE is 100 MiB in many versions. Data over it goes by a path on shared storage.
 */
export const BUNDLE_DATA_LIMIT = 100 * 1024 * 1024;
/** Room left under the limit for the zip's own headers and the runner. */
const ZIP_SLACK = 1024 * 1024;

const tooLarge = (what: string, bytes: number) =>
  new W2sError(
    `The job bundle would ${what} ${(bytes / 2 ** 20).toFixed(0)} MiB, over the ${BUNDLE_DATA_LIMIT / 2 ** 20} MiB a Ray dashboard accepts in one request: nothing was uploaded. Put the data on storage every node ` +
      'of the cluster can read and give its path instead (--cluster-dataset PATH, or "A path on the cluster…" in VS Code).',
    'BUNDLE_TOO_LARGE',
  );

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
  if (size > BUNDLE_DATA_LIMIT - ZIP_SLACK) throw tooLarge('hold', size);
  const zip = createZip(entries);
  // stored entries may not shrink: the zip itself is what the dashboard counts
  if (zip.length > BUNDLE_DATA_LIMIT) throw tooLarge('be', zip.length);
  const name = `_ray_pkg_${createHash('md5').update(zip).digest('hex')}.zip`;
  return { name, uri: packageUri(name), zip, files: entries.map((e) => e.path).sort() };
}
