// The hardware simulator's view of a functional model: the same layers, shapes and bit widths as a
// resolved layer list, so cost (gibbon simulate) and accuracy (gibbon pim) describe one mapping.
import type { ResolvedLayer } from '../hw/types.ts';
import type { PimModel } from './types.ts';

export function pimModelToLayers(model: PimModel): ResolvedLayer[] {
  const inputBits = (q: number): number => (q < 0 ? model.input.bits : model.layers[q].out.bits);
  return model.layers.map((l) => {
    const base = {
      name: l.name, inChannels: l.inC, inH: l.inH, inW: l.inW, outChannels: l.outC, outH: l.outH, outW: l.outW,
      inputs: [...l.inputs], inputBits: inputBits(l.inputs[0]),
      // The last layer's output is logits: its consumer-facing width is its own input width.
      outputBits: l.type !== 'pool' && (l as { isLast?: boolean }).isLast ? inputBits(l.inputs[0]) : l.out.bits,
    };
    if (l.type === 'conv' || l.type === 'fc') {
      return {
        ...base, type: l.type, kernel: l.kernel, stride: l.stride, padding: [...l.padding] as [number, number, number, number],
        convGroups: l.convGroups, poolMode: 'max' as const, weightBits: l.weightBits,
        ...(l.type === 'fc' ? { inChannels: l.inC * l.inH * l.inW, inH: 1, inW: 1 } : {}),
      };
    }
    if (l.type === 'pool') {
      return { ...base, type: 'pool' as const, kernel: l.kernel, stride: l.stride, padding: [...l.padding] as [number, number, number, number], convGroups: 1, poolMode: l.mode, weightBits: 9 };
    }
    return { ...base, type: 'add' as const, kernel: 1, stride: 1, padding: [0, 0, 0, 0] as [number, number, number, number], convGroups: 1, poolMode: 'max' as const, weightBits: 9 };
  });
}
