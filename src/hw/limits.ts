// Size limits of a layer, shared by the network files (src/hw/network.ts) and the model files
// (src/pim/model-file.ts) so that both simulators accept the same layers.
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
