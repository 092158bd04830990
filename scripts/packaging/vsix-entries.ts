import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';

// yauzl is what @vscode/vsce reads .vsix (zip) files with; it comes with vsce.
interface Entry {
  fileName: string;
}
interface ZipFile {
  on(event: 'entry', cb: (e: Entry) => void): void;
  on(event: 'end', cb: () => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
  readEntry(): void;
  openReadStream(e: Entry, cb: (err: Error | null, s: Readable) => void): void;
  close(): void;
}
const requireHere = createRequire(__filename);
const yauzl = requireHere(
  requireHere.resolve('yauzl', { paths: [requireHere.resolve('@vscode/vsce/package.json')] }),
) as {
  open(file: string, options: { lazyEntries: boolean }, cb: (err: Error | null, zip: ZipFile) => void): void;
};

/**
 * Every path inside a .vsix (zip), e.g. `extension/native/manifest.json`, with the text of those
 * named in `read` (e.g. `extension.vsixmanifest`).
 */
export function readVsix(
  file: string,
  read: string[] = [],
): Promise<{ entries: string[]; texts: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const entries: string[] = [];
      const texts: Record<string, string> = {};
      zip.on('entry', (e) => {
        entries.push(e.fileName);
        if (!read.includes(e.fileName)) return zip.readEntry();
        zip.openReadStream(e, (err2, stream) => {
          if (err2) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            texts[e.fileName] = Buffer.concat(chunks).toString('utf8');
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve({ entries, texts }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
