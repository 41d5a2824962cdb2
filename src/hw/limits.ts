// Size limits of a layer, shared by the network files (src/hw/network.ts) and the model files
// (src/pim/model-file.ts) so that both simulators accept the same layers.
import { fieldError, type ErrorCode } from '../util/errors.ts';

export const MIN_BITS = 2;
export const MAX_BITS = 16;
export const MAX_CHANNELS = 65536;
/** fc inputs can be a flattened feature map, e.g. 512x7x7. */
export const MAX_FEATURES = 1 << 24;
export const MAX_SIDE = 16384;
export const MAX_CONV_KERNEL = 15;
export const MAX_POOL_KERNEL = 64;
export const MAX_STRIDE = 64;
export const MAX_PADDING = 15;


/**
 * Checks a layer's `inputs` (relative producer indices, default [-1]) and returns them absolute
 * (-1 = the network input). Only an add merges tensors: conv, pool and fc read exactly one producer.
 * Shared by network files (E_NETWORK) and model files (E_MODEL), so both read the graph alike.
 */
export function absoluteInputs(value: unknown, at: { index: number; type: string; maxAddInputs: number; code: ErrorCode; source: string; path: string }): number[] {
  const [minCount, maxCount] = at.type === 'add' ? [2, at.maxAddInputs] : [1, 1];
  if (!Array.isArray(value) || value.length < minCount || value.length > maxCount) {
    const what = at.type === 'add' ? `${minCount} to ${maxCount} relative indices for an add layer` : `a list of exactly one relative index for a ${at.type} layer`;
    throw fieldError(at.code, at.source, `${at.path}.inputs`, value, `${what} (-1 = the previous layer)`);
  }
  const i = at.index;
  return value.map((r: unknown, k) => {
    if (typeof r !== 'number' || !Number.isInteger(r) || r < -(i + 1) || r > -1) {
      const range = i === 0 ? '-1 (the network input)' : `an integer in ${-(i + 1)}..-1 (-1 = the previous layer, ${-(i + 1)} = the network input)`;
      throw fieldError(at.code, at.source, `${at.path}.inputs[${k}]`, r, range);
    }
    return i + r;
  });
}
