// A dataset from files picked in the page (web-standard): the files of an `idx:` or `cifar10:` /
// `cifar100:` directory (docs/datasets.md), by base name, become the Dataset `gibbon search --dataset
// <kind>:<dir>` loads from disk: the same parsers and split (src/data/datasets.ts), gzip undone by the
// browser's DecompressionStream. The kind is told by the file names.
import { CIFAR_FILES, IDX_FILES, cifarDataset, idxDataset, parseDatasetSpec, type IdxFileKey } from '../data/datasets.ts';
import type { Dataset, NamedBytes } from '../data/types.ts';
import { GibbonError } from '../util/errors.ts';
import { maybeGunzip } from '../web/mnist-pack.ts';

/** Picked files: base name -> bytes (as picked: gzipped or not). */
export type PickedDatasetFiles = Record<string, Uint8Array>;

/** The dataset spec of the picked files of directory `dir`: idx:, cifar10: or cifar100: by their names. */
export function pickedDatasetSpec(names: readonly string[], dir: string): string {
  const has = (n: string) => names.includes(n) || names.includes(`${n}.gz`);
  if (has(IDX_FILES.trainImages)) return `idx:${dir}`;
  if (has(CIFAR_FILES.cifar10.test)) return `cifar10:${dir}`;
  if (has(CIFAR_FILES.cifar100.test)) return `cifar100:${dir}`;
  throw new GibbonError('E_FILE', `${dir}: got none of ${IDX_FILES.trainImages}, ${CIFAR_FILES.cifar10.test}, ${CIFAR_FILES.cifar100.test}; allowed: the files of an IDX (MNIST-format) or CIFAR binary dataset directory (docs/datasets.md)`, { source: dir });
}

/** The first of `names` among the files, gunzipped when it is gzip data; else the CLI's missing-file line. */
async function oneOf(files: PickedDatasetFiles, dir: string, names: readonly string[]): Promise<NamedBytes> {
  for (const name of names) {
    const bytes = files[name];
    if (bytes !== undefined) return { file: `${dir}/${name}`, bytes: await maybeGunzip(bytes) };
  }
  throw new GibbonError('E_FILE', `${dir}: ${names[0]}: got no such file; allowed: ${names.join(' or ')} in ${dir} (docs/datasets.md)`, { source: dir, path: names[0] });
}

/** The dataset `spec` (idx:, cifar10:, cifar100:) from its picked files. */
export async function pickedDataset(spec: string, files: PickedDatasetFiles): Promise<Dataset> {
  const parsed = parseDatasetSpec(spec);
  if (parsed.kind === 'mnist') throw new GibbonError('E_OPTION', '--dataset: got "mnist" with picked files; allowed: the embedded MNIST, or the files of an idx:/cifar10:/cifar100: directory');
  if (parsed.kind === 'idx') {
    const named = {} as Record<IdxFileKey, NamedBytes>;
    for (const key of Object.keys(IDX_FILES) as IdxFileKey[]) named[key] = await oneOf(files, parsed.dir, [IDX_FILES[key], `${IDX_FILES[key]}.gz`]);
    return idxDataset(named, spec);
  }
  const names = CIFAR_FILES[parsed.kind];
  const train = [];
  for (const n of names.train) train.push(await oneOf(files, parsed.dir, [n]));
  return cifarDataset(parsed.kind, train, await oneOf(files, parsed.dir, [names.test]), spec);
}
