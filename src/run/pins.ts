// What a run and a supernet cache are pinned to, by content (docs/search.md §7): a dataset's hash (its
// images, labels and shape, whatever file or package they came from), a supernet's (its checkpoint
// bytes), and the key of a cached supernet (the whole space document, the dataset, the training recipe
// and batch size). A cache keyed by name alone would hand a custom space called "mnist" the preset's
// supernet; a run pinned by name alone would mix two supernets in one front. Web-standard.
import type { Dataset } from '../data/types.ts';
import { encodeCheckpoint } from '../nn/checkpoint.ts';
import { DEFAULT_SUPERNET_BATCH, type SupernetState, supernetRecipe } from '../nn/supernet.ts';
import { canonicalJson, sha256Hex, sha256OfParts } from '../util/content-hash.ts';

const datasetHashes = new WeakMap<Dataset, Promise<string>>();

/** SHA-256 (hex) of a dataset's content: shape, classes and every split's images and labels (once per Dataset object). */
export function datasetHash(data: Dataset): Promise<string> {
  let hash = datasetHashes.get(data);
  if (hash === undefined) {
    const { train, validation, test } = data;
    hash = sha256OfParts([
      canonicalJson({ shape: data.shape, classes: data.classes, counts: [train.count, validation.count, test.count] }),
      train.images, train.labels, validation.images, validation.labels, test.images, test.labels,
    ]);
    datasetHashes.set(data, hash);
  }
  return hash;
}

/** SHA-256 (hex) of a supernet: of its checkpoint's bytes (weights, optimizer state, epochs, options, space). */
export function supernetHash(state: SupernetState): Promise<string> {
  return sha256Hex(encodeCheckpoint(state));
}

/** How a cached supernet is trained, besides its seed and epochs (which its directory name shows). */
export interface SupernetTraining {
  /** Images per step (default DEFAULT_SUPERNET_BATCH). */
  batchSize?: number;
  /** In-place distillation weight (default DEFAULT_DISTILL); part of the recipe tag. */
  distill?: number;
}

/**
 * The first 12 hex digits of the SHA-256 of what a cached supernet's weights depend on besides seed and
 * epochs: the whole space document (keys sorted), the dataset's content hash, the recipe tag and the batch size.
 */
export async function supernetCacheKey(spaceSpec: unknown, data: Dataset, training: SupernetTraining = {}): Promise<string> {
  const key = canonicalJson({
    space: spaceSpec, dataset: await datasetHash(data), recipe: supernetRecipe(training.distill), batchSize: training.batchSize ?? DEFAULT_SUPERNET_BATCH,
  });
  return (await sha256Hex(key)).slice(0, 12);
}
