// A candidate as the simulators see it (docs/space.md §2, §7): the hardware simulator's layer list
// (NetworkSpec), its architecture (ArchConfig), and the functional model file's layer graph
// (ModelSkeleton). All three come from one internal graph, so both simulators see the same layers,
// shapes and bits.
//
// Bits (docs/functional.md §1): a tensor has one bit width, the activationBits of the convs that read it
// (a block's projection reads its input at the block's first conv's bits). A tensor only adds read (a
// residual block's last conv) takes the bits of the add's output, i.e. of the next conv or the head.

import type { Candidate, CandidateConv, ModelSkeleton, SkeletonLayer } from './types.ts';
import { convPadding, type Space } from './space.ts';
import type { ArchConfig, LayerSpec, NetworkSpec } from '../hw/types.ts';
import { convOutputSide } from '../hw/network.ts';

type Padding = [number, number, number, number];

interface Node {
  type: 'conv' | 'pool' | 'add' | 'fc';
  name: string;
  /** Absolute producer indices; -1 = the network input. */
  inputs: number[];
  inC: number;
  inH: number;
  inW: number;
  outC: number;
  outH: number;
  outW: number;
  kernel: number;
  stride: number;
  padding: Padding;
  convGroups: number;
  weightBits: number;
  activationBits: number;
  outputBits: number;
  relu: boolean;
  poolMode: 'max' | 'avg';
}

interface Tensor { at: number; c: number; h: number; w: number }


/** The candidate's layer graph, bits settled. The candidate is validated first. */
function buildGraph(space: Space, candidate: unknown): { nodes: Node[]; candidate: Candidate } {
  const c = space.validateCandidate(candidate);
  const { input, stem, stages, head } = space.spec;
  const nodes: Node[] = [];
  const push = (node: Node): Tensor => {
    nodes.push(node);
    return { at: nodes.length - 1, c: node.outC, h: node.outH, w: node.outW };
  };
  const conv = (name: string, x: Tensor, spec: CandidateConv, stride: number, relu: boolean): Tensor => {
    const padding = convPadding(spec.kernel, spec.padSide);
    return push({
      type: 'conv', name, inputs: [x.at], inC: x.c, inH: x.h, inW: x.w, outC: spec.outChannels,
      outH: convOutputSide(x.h, padding[0], padding[2], spec.kernel, stride), outW: convOutputSide(x.w, padding[1], padding[3], spec.kernel, stride),
      kernel: spec.kernel, stride, padding, convGroups: spec.convGroups, weightBits: spec.weightBits,
      activationBits: spec.activationBits, outputBits: 0, relu, poolMode: 'max',
    });
  };

  let x = conv('stem', { at: -1, c: input.channels, h: input.height, w: input.width }, c.stem, stem.stride, true);
  c.stages.forEach((stage, s) => {
    const plan = stages[s];
    stage.convs.forEach((convs, b) => {
      const blockIn = x;
      const blockStride = b === 0 ? plan.stride : 1;
      convs.forEach((spec, k) => {
        // The last conv of a residual block leaves its ReLU to the add.
        x = conv(`stage${s}.block${b}.conv${k}`, x, spec, k === 0 ? blockStride : 1, !(plan.residual && k === convs.length - 1));
      });
      if (!plan.residual) return;
      let shortcut = blockIn;
      if (blockIn.c !== x.c || blockIn.h !== x.h || blockIn.w !== x.w) {
        // 1x1 projection: dense, the block's stride, reading the block input at the first conv's bits.
        const first = convs[0];
        shortcut = conv(`stage${s}.block${b}.proj`, blockIn,
          { outChannels: x.c, kernel: 1, convGroups: 1, weightBits: first.weightBits, activationBits: first.activationBits }, blockStride, false);
      }
      x = push({
        type: 'add', name: `stage${s}.block${b}.add`, inputs: [x.at, shortcut.at], inC: x.c, inH: x.h, inW: x.w,
        outC: x.c, outH: x.h, outW: x.w, kernel: 1, stride: 1, padding: [0, 0, 0, 0], convGroups: 1,
        weightBits: 0, activationBits: 0, outputBits: 0, relu: true, poolMode: 'max',
      });
    });
  });
  if (head.pool !== 'none') {
    // A global pool: one window over the (square, checked by resolveSpace) last feature map.
    x = push({
      type: 'pool', name: 'head.pool', inputs: [x.at], inC: x.c, inH: x.h, inW: x.w, outC: x.c, outH: 1, outW: 1,
      kernel: x.h, stride: x.h, padding: [0, 0, 0, 0], convGroups: 1, weightBits: 0,
      activationBits: c.head.activationBits, outputBits: 0, relu: false, poolMode: head.pool,
    });
  }
  push({
    type: 'fc', name: 'head.fc', inputs: [x.at], inC: x.c * x.h * x.w, inH: 1, inW: 1, outC: input.classes, outH: 1, outW: 1,
    kernel: 1, stride: 1, padding: [0, 0, 0, 0], convGroups: 1, weightBits: c.head.weightBits,
    activationBits: c.head.activationBits, outputBits: 0, relu: false, poolMode: 'max',
  });

  // Bits, last layer first: a tensor takes its first non-add reader's activationBits, else its add's;
  // an add reads and writes at its output's bits.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    const readers = nodes.filter((other, j) => j > i && other.inputs.includes(i));
    const reader = readers.find((r) => r.type !== 'add') ?? readers[0];
    node.outputBits = reader === undefined ? node.activationBits : reader.activationBits;
    if (node.type === 'add') node.activationBits = node.outputBits;
  }
  return { nodes, candidate: c };
}

const relative = (node: Node, index: number): number[] => node.inputs.map((abs) => abs - index);

/** The hardware simulator's layer list of a candidate (src/hw/types.ts; resolveNetwork accepts it). */
export function toNetworkSpec(space: Space, candidate: unknown): NetworkSpec {
  const { nodes } = buildGraph(space, candidate);
  const layers = nodes.map((n, i): LayerSpec => {
    const io = { activationBits: n.activationBits, outputBits: n.outputBits, inputs: relative(n, i) };
    switch (n.type) {
      case 'conv':
        return {
          type: 'conv', name: n.name, inChannels: n.inC, inSize: [n.inH, n.inW], outChannels: n.outC, kernel: n.kernel,
          stride: n.stride, padding: n.padding, convGroups: n.convGroups, weightBits: n.weightBits, ...io,
        };
      case 'pool':
        return { type: 'pool', name: n.name, inChannels: n.inC, inSize: [n.inH, n.inW], kernel: n.kernel, stride: n.stride, padding: n.padding, poolMode: n.poolMode, ...io };
      case 'add':
        return { type: 'add', name: n.name, ...io };
      case 'fc':
        return { type: 'fc', name: n.name, inFeatures: n.inC, outFeatures: n.outC, weightBits: n.weightBits, ...io };
    }
  });
  return { name: `${space.name}-candidate`, layers };
}

/** The candidate's architecture: fixedArch.base + fixedArch.sets + its hardware values, in one applySets. */
export function toArch(space: Space, candidate: unknown): ArchConfig {
  return space.archOf(space.validateCandidate(candidate));
}

/**
 * The functional model file's layer graph of a candidate (docs/functional.md §2), without trained numbers:
 * the same layers, shapes and bits as toNetworkSpec, with ReLU flags (every conv but a residual block's
 * last and its projection; every add). The input's bits are the stem's activationBits, unsigned.
 */
export function toModelSkeleton(space: Space, candidate: unknown): ModelSkeleton {
  const { nodes, candidate: c } = buildGraph(space, candidate);
  const last = nodes.length - 1;
  const layers = nodes.map((n, i): SkeletonLayer => {
    const rel = relative(n, i);
    const inputs = rel.length === 1 && rel[0] === -1 ? {} : { inputs: rel };
    switch (n.type) {
      case 'conv':
        return {
          type: 'conv', name: n.name, ...inputs, inChannels: n.inC, outChannels: n.outC, kernel: n.kernel, stride: n.stride,
          padding: n.padding, convGroups: n.convGroups, weightBits: n.weightBits, outputBits: n.outputBits, relu: n.relu,
        };
      case 'pool':
        return { type: 'pool', name: n.name, ...inputs, inChannels: n.inC, mode: n.poolMode, kernel: n.kernel, stride: n.stride, padding: n.padding };
      case 'add':
        return { type: 'add', name: n.name, inputs: rel, outputBits: n.outputBits, relu: n.relu };
      case 'fc':
        if (i !== last) throw new Error('internal: the fc is the last layer');
        return { type: 'fc', name: n.name, ...inputs, inFeatures: n.inC, outFeatures: n.outC, weightBits: n.weightBits };
    }
  });
  const { input } = space.spec;
  return {
    format: 'gibbon-pim-model', version: 1, name: `${space.name}-candidate`,
    input: { channels: input.channels, height: input.height, width: input.width, bits: c.stem.activationBits, signed: false },
    layers,
  };
}
