// The size of a network as the report's table shows it: weight layers, weights and multiply-accumulates
// per inference, from the hardware simulator's resolved layers (src/hw/network.ts). Web-standard.
import type { ResolvedLayer } from '../hw/types.ts';

export interface NetworkSummary {
  /** conv and fc layers. */
  weightLayers: number;
  /** Weights (no biases, no batch-norm): outC * inC / groups * k^2 per conv, in * out per fc. */
  params: number;
  /** Multiply-accumulates of one image: a conv's weights times its output pixels; an fc's weights. */
  macs: number;
}

export function summarizeNetwork(layers: readonly ResolvedLayer[]): NetworkSummary {
  let weightLayers = 0, params = 0, macs = 0;
  for (const l of layers) {
    if (l.type !== 'conv' && l.type !== 'fc') continue;
    const w = l.outChannels * (l.inChannels / l.convGroups) * l.kernel * l.kernel;
    weightLayers++;
    params += w;
    macs += w * l.outH * l.outW;
  }
  return { weightLayers, params, macs };
}
