// The name of a cached supernet (web-standard): the CLI's .gibbon-cache/<name>/ and the app's IndexedDB
// key are the same name, so one rule decides when a kept supernet may be reused: same space and dataset
// (by content), seed, epochs, batch size, training images and training recipe.
import { supernetRecipe } from '../nn/supernet.ts';

/**
 * A user-given name (a space's, a dataset spec) as one path component: runs of other characters than
 * letters, digits, '.', '_' and '-' become '_', so `../x` or `a/b` cannot lead a default path out of its folder.
 */
export const pathComponent = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '_');

/**
 * supernet-<space>[-<dataset>]-<key>-s<seed>-e<epochs>-<recipe>[-l<limit>]: the dataset only when not mnist;
 * `key` the content key of src/run/pins.ts supernetCacheKey (the whole space document, the dataset's content,
 * the batch size), so a custom space named like a preset, or changed dataset files, never reuse another's
 * supernet; the image limit only when the supernet was trained on the first `limit` training images
 * (--supernet-limit); the recipe `kd<distill>` (supernetRecipe: the default recipe at that in-place distillation).
 */
export function supernetCacheName(space: string, dataset: string, seed: number, epochs: number, key: string, limit?: number, distill?: number): string {
  const ds = dataset === 'mnist' ? '' : `-${pathComponent(dataset)}`;
  // the training recipe's tag: a supernet trained by another recipe is never reused
  return `supernet-${pathComponent(space)}${ds}-${pathComponent(key)}-s${seed}-e${epochs}-${supernetRecipe(distill)}${limit === undefined ? '' : `-l${limit}`}`;
}
