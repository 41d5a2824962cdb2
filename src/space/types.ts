// Public types of the co-exploration space (docs/space.md): the space document (SpaceSpec), its
// searchable decisions, a candidate as readable JSON (Candidate) and as a compact genome (Genome), the
// size report, and the layer graph a candidate becomes in the functional model file (ModelSkeleton).

import type { ArchPresetName } from '../hw/arch.ts';

// ===== The space document =====

/** The per-layer value sets a space may set globally (`decisions`), per stage, or for the stem/head. */
export interface ValueSets {
  /** Output channels. In a residual stage: the stage width, shared by every block's output conv. */
  channels?: number[];
  /** Square kernel side: 1, 2 or 3 (2 is the PIM-friendly even kernel, padded on one side). */
  kernel?: number[];
  /** Grouped convolution (1 = dense). */
  convGroups?: number[];
  /** Signed weight bits (docs/functional.md §1). */
  weightBits?: number[];
  /** Bits of the tensor the layer reads (docs/functional.md §1). */
  activationBits?: number[];
}

export type ValueSetKey = keyof ValueSets;

/** The first conv. Its convGroups is fixed at 1 (a 1- or 3-channel input has nothing to group). */
export interface StemSpec extends Omit<ValueSets, 'convGroups'> {
  /** Default 1. */
  stride?: number;
}

export interface StageSpec extends ValueSets {
  /** Candidate block counts, e.g. [1, 2] (1..8 each). */
  blocks: number[];
  /** Downsampling: the stride of the stage's first conv (and of its shortcut projection), 1..4. */
  stride: number;
  /** Convs per block, 1..3. Default 1. */
  convsPerBlock?: number;
  /** A shortcut add around every block (tied widths, docs/space.md §3). Default true. */
  residual?: boolean;
}

export interface HeadSpec {
  /** Before the fc: a global pool over the last feature map, or "none" (the fc flattens c, h, w). */
  pool: 'avg' | 'max' | 'none';
  weightBits?: number[];
  activationBits?: number[];
}

export interface InputSpec {
  channels: number;
  height: number;
  width: number;
  /** The fc head's outputs. */
  classes: number;
}

/** The architecture every candidate starts from: a preset and fixed `--set` overrides. */
export interface FixedArchSpec {
  base: ArchPresetName;
  sets?: string[];
}

/** A space document (JSON). docs/space.md §1 is its reference. */
export interface SpaceSpec {
  name: string;
  input: InputSpec;
  /** Seed of the even-kernel pad sides of sampled and decoded candidates (default 1). */
  padSeed?: number;
  stem: StemSpec;
  stages: StageSpec[];
  head: HeadSpec;
  /** Value sets of every conv and fc, unless a stage, the stem or the head overrides them. */
  decisions: Required<ValueSets>;
  /** Hardware decisions: an architecture path (as `applySets` takes it) -> candidate values. */
  hardware: Record<string, (number | string)[]>;
  fixedArch: FixedArchSpec;
}

/** A SpaceSpec with every default filled in (what Space.spec holds). */
export interface ResolvedSpaceSpec extends SpaceSpec {
  padSeed: number;
  stem: StemSpec & { stride: number };
  stages: (StageSpec & { convsPerBlock: number; residual: boolean })[];
  fixedArch: { base: ArchPresetName; sets: string[] };
}

// ===== Decisions and genomes =====

export type DecisionField = 'blocks' | 'channels' | 'outChannels' | 'kernel' | 'convGroups' | 'weightBits' | 'activationBits' | 'hardware';

/** One gene: a searchable decision with two or more candidate values. */
export interface Decision {
  /** Stable dotted name: `stem.kernel`, `stage1.blocks`, `stage1.channels`, `stage1.block0.conv0.kernel`, `head.fc.weightBits`, `hw.adc.bits`. */
  id: string;
  kind: 'nn' | 'hw';
  field: DecisionField;
  values: readonly (number | string)[];
  /** Per-layer decisions: the layer's name (`stem`, `stage1.block0.conv0`, `head.fc`). */
  layer?: string;
  /** Per-layer decisions: the conv's index in the full skeleton (stem 0, then stage, block, conv order); the fc is last. */
  slot?: number;
  /** Stage decisions (0-based). */
  stage?: number;
  /** Block decisions: active only while the stage's block count exceeds this index. */
  block?: number;
  /** Hardware decisions: the architecture path. */
  path?: string;
}

/** Value indices, one per decision, in Space.decisions order (docs/space.md §5). */
export type Genome = number[];

// ===== Candidates =====

/** One conv of a candidate. */
export interface CandidateConv {
  outChannels: number;
  kernel: number;
  convGroups: number;
  weightBits: number;
  activationBits: number;
  /** Even kernels only: 0 pads bottom/right ([0,0,1,1] for k2), 1 pads top/left ([1,1,0,0]); drawn from the seed. */
  padSide?: 0 | 1;
}

export interface CandidateStage {
  /** The active block count. */
  blocks: number;
  /** convs[block][conv], `blocks` x convsPerBlock. */
  convs: CandidateConv[][];
}

/** A candidate network and hardware design, as readable JSON. */
export interface Candidate {
  space: string;
  /** Seed of the pad sides (docs/space.md §4). */
  seed: number;
  stem: CandidateConv;
  stages: CandidateStage[];
  head: { weightBits: number; activationBits: number };
  /** Architecture path -> value, every path of the space's `hardware`. */
  hardware: Record<string, number | string>;
}

// ===== Size =====

export interface SpaceSize {
  /** Genes (searchable decisions). */
  genes: number;
  /** The product of every decision's value count: distinct genomes. */
  raw: bigint;
  /** Distinct candidates: inactive blocks' genes ignored, repaired groups counted once (per seed). */
  effective: bigint;
  /** Effective count of the network part alone, and of the hardware part alone. */
  effectiveNn: bigint;
  hardware: bigint;
  rawLog10: number;
  effectiveLog10: number;
}

// ===== The functional model file's layer graph =====

type Padding = [number, number, number, number];

/** A layer of a `gibbon-pim-model` file without its trained numbers (weights, scales, bias). */
export type SkeletonLayer =
  | { type: 'conv'; name: string; inputs?: number[]; inChannels: number; outChannels: number; kernel: number; stride: number;
    padding: Padding; convGroups: number; weightBits: number; outputBits: number; relu: boolean }
  | { type: 'pool'; name: string; inputs?: number[]; inChannels: number; mode: 'max' | 'avg'; kernel: number; stride: number; padding: Padding }
  | { type: 'add'; name: string; inputs: number[]; outputBits: number; relu: boolean }
  | { type: 'fc'; name: string; inputs?: number[]; inFeatures: number; outFeatures: number; weightBits: number };

/**
 * The layer graph of a candidate in the model-file vocabulary (docs/functional.md §2). The supernet
 * exporter adds input.scale, and per conv/fc weights, weightScale, bias and (but the last) outputScale;
 * per add outputScale. The last layer (the fc) yields the logits.
 */
export interface ModelSkeleton {
  format: 'gibbon-pim-model';
  version: 1;
  name: string;
  input: { channels: number; height: number; width: number; bits: number; signed: false };
  layers: SkeletonLayer[];
}
