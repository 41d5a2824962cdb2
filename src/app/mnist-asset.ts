// Build time (Node; scripts/build.mjs bundles and runs this): the embedded MNIST for the app, from the
// very bytes Node's loader uses (embeddedDigits), packed (src/web/mnist-pack.ts) and gzipped. Level 9 and
// zlib's fixed header (no file name, mtime 0) make the file the same on every build.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { embeddedDigits } from '../node/dataset-files.ts';
import { packMnistDigits } from '../web/mnist-pack.ts';

/** Writes the gzipped pack to `path`; returns its size in bytes. */
export async function writeMnistAsset(path: string): Promise<number> {
  const packed = gzipSync(packMnistDigits(await embeddedDigits()), { level: 9 });
  writeFileSync(path, packed);
  return packed.length;
}
