// The co-exploration space (docs/space.md): a JSON document naming the network skeleton and, per
// searchable decision, its candidate values. resolveSpace checks the document once and returns a Space
// that lists its decisions (the genes), counts its candidates, samples, encodes and decodes genomes, and
// validates or repairs candidates.
//
// Rules fixed here (docs/space.md §3, §4):
// - Residual stages tie widths: every block's last conv writes the stage width (one decision), so the
//   shortcut adds meet equal shapes; a block whose input differs in width or size gets a 1x1 projection
//   conv on its shortcut (a real, costed layer; src/space/convert.ts).
// - Groups that do not divide a layer's channels are repaired when a genome is decoded: the largest
//   value of the layer's set not above the drawn one that divides both channel counts, else the smallest
//   that does. resolveSpace rejects a space where some reachable layer has no such value at all.
// - Even kernels get a pad side drawn once per layer from the candidate's seed, fork('padSide', slot).

import type {
  Candidate, CandidateConv, CandidateStage, Decision, DecisionField, Genome, ResolvedSpaceSpec, SpaceSize, ValueSetKey,
} from './types.ts';
import { ARCH_PRESETS, SETTABLE_PATHS, applySets, type ArchPresetName } from '../hw/arch.ts';
import type { ArchConfig } from '../hw/types.ts';
import { GibbonError, fieldError, formatValue, unknownKeyError, type ErrorCode } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { canonicalJson } from '../util/content-hash.ts';

/** Error code of space and candidate problems (exit status 4, like architecture and network errors). */
export const SPACE_ERROR: ErrorCode = 'E_SPACE';

// ===== Ranges =====

const KERNELS: readonly number[] = [1, 2, 3];
const MAX_CHANNELS = 65536;
const MAX_SIDE = 16384;
const MIN_BITS = 2;
const MAX_BITS = 16;
const MAX_STAGES = 8;
const MAX_BLOCKS = 8;
const MAX_CONVS_PER_BLOCK = 3;
const MAX_STRIDE = 4;
/** The hardware simulator's largest pool kernel (src/hw/network.ts): a global pool's side. */
const MAX_POOL_KERNEL = 64;
/** The hardware simulator's largest fc input (src/hw/network.ts). */
const MAX_FEATURES = 1 << 24;
const MAX_SEED = 0xffffffff;
const DEFAULT_PAD_SEED = 1;
/** Below this many hardware combinations, resolveSpace applies every one (else each value alone). */
const MAX_CHECKED_HW_COMBINATIONS = 1024;

const SET_KEYS: readonly ValueSetKey[] = ['channels', 'kernel', 'convGroups', 'weightBits', 'activationBits'];
const TOP_KEYS = ['name', 'input', 'padSeed', 'stem', 'stages', 'head', 'decisions', 'hardware', 'fixedArch'];
const INPUT_KEYS = ['channels', 'height', 'width', 'classes'];
const STEM_KEYS = ['stride', 'channels', 'kernel', 'weightBits', 'activationBits'];
const STAGE_KEYS = ['blocks', 'stride', 'convsPerBlock', 'residual', ...SET_KEYS];
const HEAD_KEYS = ['pool', 'weightBits', 'activationBits'];
const HEAD_POOLS = ['avg', 'max', 'none'] as const;
const FIXED_ARCH_KEYS = ['base', 'sets'];
const CANDIDATE_KEYS = ['space', 'seed', 'stem', 'stages', 'head', 'hardware'];
const CANDIDATE_STAGE_KEYS = ['blocks', 'convs'];
const CONV_KEYS = ['outChannels', 'kernel', 'convGroups', 'weightBits', 'activationBits', 'padSide'] as const;
/** The per-conv genes, in genome order (outChannels only where the width is not the stage's). */
const CONV_GENE_FIELDS = ['outChannels', 'kernel', 'convGroups', 'weightBits', 'activationBits'] as const;

interface SetRule { min: number; max: number; text: string }
const bitsRule: SetRule = { min: MIN_BITS, max: MAX_BITS, text: `an integer in ${MIN_BITS}..${MAX_BITS}` };
const SET_RULES: Readonly<Record<ValueSetKey | 'blocks', SetRule>> = {
  channels: { min: 1, max: MAX_CHANNELS, text: `an integer in 1..${MAX_CHANNELS}` },
  kernel: { min: 1, max: 3, text: '1, 2 or 3 (square kernels; 2 is the even PIM kernel)' },
  convGroups: { min: 1, max: MAX_CHANNELS, text: `an integer in 1..${MAX_CHANNELS}` },
  weightBits: bitsRule,
  activationBits: bitsRule,
  blocks: { min: 1, max: MAX_BLOCKS, text: `an integer in 1..${MAX_BLOCKS}` },
};

// ===== Small helpers =====

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** The standard message with a `got` that is a description, not a JSON value (`3 blocks`). */
function countError(source: string, path: string, got: string, allowed: string): GibbonError {
  return new GibbonError(SPACE_ERROR, `${source}: ${path}: got ${got}; allowed: ${allowed}`, { source, path });
}

function checkKeys(source: string, value: Record<string, unknown>, path: string, keys: readonly string[], what: string): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw unknownKeyError(SPACE_ERROR, source, path ? `${path}.${key}` : key, 'key', `the keys of ${what}: ${keys.join(', ')}`);
  }
}

function intAt(source: string, obj: Record<string, unknown>, key: string, path: string, min: number, max: number, fallback?: number): number {
  const value = obj[key] === undefined ? fallback : obj[key];
  if (!isInt(value) || value < min || value > max) {
    throw fieldError(SPACE_ERROR, source, path ? `${path}.${key}` : key, obj[key], `an integer in ${min}..${max}`);
  }
  return value;
}

/** `one of 1, 2, 3`, or `3 (fixed by the space)`. */
function describeValues(values: readonly (number | string)[]): string {
  return values.length === 1 ? `${formatValue(values[0])} (fixed by the space)` : `one of ${values.map((v) => formatValue(v)).join(', ')}`;
}

/** Largest-not-above, else smallest, of the values that divide both channel counts (docs/space.md §3). */
export function legalGroups(groups: readonly number[], inChannels: number, outChannels: number): number[] {
  return groups.filter((g) => inChannels % g === 0 && outChannels % g === 0);
}

function repairGroup(groups: readonly number[], g: number, inChannels: number, outChannels: number): number {
  const legal = legalGroups(groups, inChannels, outChannels);
  if (legal.includes(g)) return g;
  const below = legal.filter((v) => v <= g);
  return below.length > 0 ? Math.max(...below) : Math.min(...legal);
}

/** The pad side of an even-kernel layer: drawn once from the candidate's seed, keyed by the layer's slot. */
export function drawPadSide(seed: number, slot: number): 0 | 1 {
  return new Rng(seed).fork('padSide', slot).int(2) as 0 | 1;
}

/**
 * [top, left, bottom, right] of a conv: K-1 rows and columns in all, so the output side is ceil(in / stride)
 * for every kernel. Odd K: (K-1)/2 each side. Even K: the extra row/column at the bottom/right (padSide 0)
 * or at the top/left (padSide 1); k2 pads [0,0,1,1] or [1,1,0,0].
 */
export function convPadding(kernel: number, padSide: 0 | 1 | undefined): [number, number, number, number] {
  if (kernel % 2 === 1) {
    const p = (kernel - 1) / 2;
    return [p, p, p, p];
  }
  const small = kernel / 2 - 1;
  const big = kernel / 2;
  return padSide === 1 ? [big, big, small, small] : [small, small, big, big];
}

const log10Big = (n: bigint): number => {
  if (n <= 0n) return -Infinity;
  const digits = n.toString();
  const head = Number(digits.slice(0, 17));
  return Math.log10(head) + (digits.length - Math.min(digits.length, 17));
};

// ===== The resolved plan =====

interface SetRef { values: number[]; path: string }
interface LayerSets { channels: SetRef; kernel: SetRef; convGroups: SetRef; weightBits: SetRef; activationBits: SetRef }

/** One conv of the full skeleton (every block present). */
interface ConvSlot {
  name: string;
  slot: number;
  /** -1 for the stem. */
  stage: number;
  block: number;
  conv: number;
  stride: number;
  /** Writes the stage width (the last conv of a residual block). */
  tied: boolean;
  sets: LayerSets;
}

interface StagePlan {
  index: number;
  blocks: SetRef;
  stride: number;
  convsPerBlock: number;
  residual: boolean;
  channels: SetRef;
  /** slots[block][conv], for the largest block count. */
  slots: ConvSlot[][];
}

/** A decision's values and gene index (-1: a fixed, single-valued decision, which has no gene). */
interface Entry { values: readonly (number | string)[]; gene: number }

type Dist = Map<number, bigint>;

function addTo(d: Dist, key: number, n: bigint): void {
  d.set(key, (d.get(key) ?? 0n) + n);
}

// ===== Reading the document =====

function readSet(source: string, raw: unknown, path: string, rule: SetRule): number[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw fieldError(SPACE_ERROR, source, path, raw, `a non-empty list of distinct values, each ${rule.text}`);
  }
  raw.forEach((v: unknown, k) => {
    if (!isInt(v) || v < rule.min || v > rule.max) throw fieldError(SPACE_ERROR, source, `${path}[${k}]`, v, rule.text);
  });
  const dup = raw.findIndex((v, i) => raw.indexOf(v) !== i);
  if (dup >= 0) throw fieldError(SPACE_ERROR, source, `${path}[${dup}]`, raw[dup], `a value not listed before in ${path} (the values of a decision are distinct)`);
  return [...raw] as number[];
}

/** A layer's set: its own override (stem, stage, head), else the space-wide decision. */
function setOf(source: string, own: Record<string, unknown>, ownPath: string, key: ValueSetKey, global: LayerSets): SetRef {
  if (own[key] === undefined) return global[key];
  const path = `${ownPath}.${key}`;
  return { values: readSet(source, own[key], path, SET_RULES[key]), path };
}

function readGlobalSets(source: string, raw: unknown): LayerSets {
  if (!isObject(raw)) throw fieldError(SPACE_ERROR, source, 'decisions', raw, `an object with keys ${SET_KEYS.join(', ')}`);
  for (const key of Object.keys(raw)) {
    if (!(SET_KEYS as readonly string[]).includes(key)) {
      throw unknownKeyError(SPACE_ERROR, source, `decisions.${key}`, 'decision', SET_KEYS.join(', '));
    }
  }
  const ref = (key: ValueSetKey): SetRef => ({ values: readSet(source, raw[key], `decisions.${key}`, SET_RULES[key]), path: `decisions.${key}` });
  return { channels: ref('channels'), kernel: ref('kernel'), convGroups: ref('convGroups'), weightBits: ref('weightBits'), activationBits: ref('activationBits') };
}

function readInput(source: string, raw: unknown): ResolvedSpaceSpec['input'] {
  if (!isObject(raw)) throw fieldError(SPACE_ERROR, source, 'input', raw, `an object with keys ${INPUT_KEYS.join(', ')}`);
  checkKeys(source, raw, 'input', INPUT_KEYS, 'input');
  return {
    channels: intAt(source, raw, 'channels', 'input', 1, MAX_CHANNELS),
    height: intAt(source, raw, 'height', 'input', 1, MAX_SIDE),
    width: intAt(source, raw, 'width', 'input', 1, MAX_SIDE),
    classes: intAt(source, raw, 'classes', 'input', 1, MAX_CHANNELS),
  };
}

interface FixedArch { base: ArchPresetName; sets: string[]; arch: ArchConfig }

/** The text of an applySets error after `allowed: `, to restate it at the space's own path. */
function allowedOf(error: unknown): string {
  if (!(error instanceof GibbonError)) throw error;
  const at = error.message.indexOf('; allowed: ');
  return at >= 0 ? error.message.slice(at + '; allowed: '.length) : error.message;
}

const setPath = (set: string): string => (set.includes('=') ? set.slice(0, set.indexOf('=')) : set).trim();

function readFixedArch(source: string, raw: unknown, hardwarePaths: readonly string[]): FixedArch {
  if (!isObject(raw)) throw fieldError(SPACE_ERROR, source, 'fixedArch', raw, `an object with keys ${FIXED_ARCH_KEYS.join(', ')}`);
  checkKeys(source, raw, 'fixedArch', FIXED_ARCH_KEYS, 'fixedArch');
  const base = raw.base;
  if (typeof base !== 'string' || !Object.hasOwn(ARCH_PRESETS, base)) {
    throw fieldError(SPACE_ERROR, source, 'fixedArch.base', base, `one of ${Object.keys(ARCH_PRESETS).map((n) => JSON.stringify(n)).join(', ')}`);
  }
  const sets = raw.sets ?? [];
  if (!Array.isArray(sets)) throw fieldError(SPACE_ERROR, source, 'fixedArch.sets', sets, 'a list of "path=value" strings, as --set takes them');
  sets.forEach((set: unknown, k) => {
    const path = `fixedArch.sets[${k}]`;
    if (typeof set !== 'string') throw fieldError(SPACE_ERROR, source, path, set, 'a "path=value" string, as --set takes it');
    if (hardwarePaths.includes(setPath(set))) {
      throw fieldError(SPACE_ERROR, source, path, set, `a path that "hardware" does not search (${setPath(set)} is a hardware decision)`);
    }
  });
  const strings = [...sets] as string[];
  try {
    // All at once, as one arch file: cross-field rules (square tile grids, subarrays) see the final values.
    return { base: base as ArchPresetName, sets: strings, arch: applySets(ARCH_PRESETS[base as ArchPresetName], strings) };
  } catch (error) {
    // Blame the (last) set of the path the architecture check names, else the whole list.
    const blamed = error instanceof GibbonError ? strings.map(setPath).lastIndexOf(error.path ?? '') : -1;
    if (blamed >= 0) throw fieldError(SPACE_ERROR, source, `fixedArch.sets[${blamed}]`, strings[blamed], allowedOf(error));
    throw fieldError(SPACE_ERROR, source, 'fixedArch.sets', strings, allowedOf(error));
  }
}

function readHardware(source: string, raw: unknown): Map<string, (number | string)[]> {
  if (!isObject(raw)) throw fieldError(SPACE_ERROR, source, 'hardware', raw, 'an object: architecture path (as --set takes it) -> list of candidate values');
  const out = new Map<string, (number | string)[]>();
  for (const [path, values] of Object.entries(raw)) {
    const at = `hardware[${JSON.stringify(path)}]`;
    if (!SETTABLE_PATHS.includes(path)) throw unknownKeyError(SPACE_ERROR, source, at, 'path', `an architecture path --set takes: ${SETTABLE_PATHS.join(', ')}`);
    const ok = (v: unknown): v is number | string => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length > 0);
    if (!Array.isArray(values) || values.length === 0) throw fieldError(SPACE_ERROR, source, at, values, 'a non-empty list of distinct values (numbers or strings)');
    values.forEach((v: unknown, k) => { if (!ok(v)) throw fieldError(SPACE_ERROR, source, `${at}[${k}]`, v, 'a finite number or a non-empty string'); });
    const dup = values.findIndex((v, i) => values.indexOf(v) !== i);
    if (dup >= 0) throw fieldError(SPACE_ERROR, source, `${at}[${dup}]`, values[dup], `a value not listed before in ${at} (the values of a decision are distinct)`);
    out.set(path, [...values] as (number | string)[]);
  }
  return out;
}

const hwSets = (hardware: Readonly<Record<string, number | string>>): string[] => Object.entries(hardware).map(([p, v]) => `${p}=${v}`);

/** Every hardware value alone over the fixed architecture, and every combination while there are few. */
function checkHardware(source: string, hardware: Map<string, (number | string)[]>, fixed: FixedArch): void {
  const base = ARCH_PRESETS[fixed.base];
  for (const [path, values] of hardware) {
    values.forEach((v, k) => {
      try {
        applySets(base, [...fixed.sets, `${path}=${v}`]);
      } catch (error) {
        throw fieldError(SPACE_ERROR, source, `hardware[${JSON.stringify(path)}][${k}]`, v, allowedOf(error));
      }
    });
  }
  let combinations = 1;
  for (const values of hardware.values()) combinations *= values.length;
  if (combinations > MAX_CHECKED_HW_COMBINATIONS) return;
  const paths = [...hardware.keys()];
  const pick: Record<string, number | string> = {};
  const visit = (i: number): void => {
    if (i === paths.length) {
      try {
        applySets(base, [...fixed.sets, ...hwSets(pick)]);
      } catch (error) {
        const at = error instanceof GibbonError && error.path !== undefined ? `${error.path}: ` : '';
        throw fieldError(SPACE_ERROR, source, 'hardware', { ...pick }, `values that combine into a valid architecture (${at}${allowedOf(error)})`);
      }
      return;
    }
    for (const v of hardware.get(paths[i]) ?? []) {
      pick[paths[i]] = v;
      visit(i + 1);
    }
  };
  visit(0);
}

// ===== The space =====

/** Options of validateCandidate: `repair` fixes groups and pad sides instead of rejecting them. */
interface CheckOptions { repair: boolean }

export class Space {
  /** The document with every default filled in (frozen; it resolves to the same space). */
  readonly spec: ResolvedSpaceSpec;
  readonly name: string;
  /** The genes, in genome order (docs/space.md §5). */
  readonly decisions: readonly Decision[];
  readonly padSeed: number;
  /** The architecture every candidate starts from: fixedArch.base with fixedArch.sets applied. */
  readonly fixedArch: ArchConfig;
  readonly #source: string;
  readonly #stem: ConvSlot;
  readonly #stages: readonly StagePlan[];
  readonly #head: { weightBits: SetRef; activationBits: SetRef; slot: number };
  readonly #hardware: ReadonlyMap<string, (number | string)[]>;
  readonly #entries = new Map<string, Entry>();

  /** Use resolveSpace. */
  constructor(input: unknown, source: string) {
    this.#source = source;
    if (!isObject(input)) throw fieldError(SPACE_ERROR, source, '(root)', input, `an object with keys ${TOP_KEYS.join(', ')}`);
    checkKeys(source, input, '', TOP_KEYS, 'a space');
    if (typeof input.name !== 'string' || input.name.length === 0) throw fieldError(SPACE_ERROR, source, 'name', input.name, 'a non-empty string');
    const name = input.name;
    const spaceInput = readInput(source, input.input);
    const padSeed = intAt(source, input, 'padSeed', '', 0, MAX_SEED, DEFAULT_PAD_SEED);
    const global = readGlobalSets(source, input.decisions);

    // ----- stem -----
    const stemRaw = input.stem;
    if (!isObject(stemRaw)) throw fieldError(SPACE_ERROR, source, 'stem', stemRaw, `an object with keys ${STEM_KEYS.join(', ')}`);
    if (stemRaw.convGroups !== undefined) {
      throw fieldError(SPACE_ERROR, source, 'stem.convGroups', stemRaw.convGroups, "nothing: the stem's convGroups is fixed at 1 (leave it out)");
    }
    checkKeys(source, stemRaw, 'stem', STEM_KEYS, 'the stem');
    const stemStride = intAt(source, stemRaw, 'stride', 'stem', 1, MAX_STRIDE, 1);
    let slot = 0;
    const stem: ConvSlot = {
      name: 'stem', slot: slot++, stage: -1, block: 0, conv: 0, stride: stemStride, tied: false,
      sets: {
        channels: setOf(source, stemRaw, 'stem', 'channels', global),
        kernel: setOf(source, stemRaw, 'stem', 'kernel', global),
        convGroups: { values: [1], path: 'stem' },
        weightBits: setOf(source, stemRaw, 'stem', 'weightBits', global),
        activationBits: setOf(source, stemRaw, 'stem', 'activationBits', global),
      },
    };

    // ----- stages -----
    const stagesRaw = input.stages;
    if (!Array.isArray(stagesRaw) || stagesRaw.length === 0 || stagesRaw.length > MAX_STAGES) {
      throw fieldError(SPACE_ERROR, source, 'stages', stagesRaw, `a list of 1 to ${MAX_STAGES} stages, each an object with keys ${STAGE_KEYS.join(', ')}`);
    }
    const stages: StagePlan[] = stagesRaw.map((raw: unknown, index) => {
      const path = `stages[${index}]`;
      if (!isObject(raw)) throw fieldError(SPACE_ERROR, source, path, raw, `an object with keys ${STAGE_KEYS.join(', ')}`);
      checkKeys(source, raw, path, STAGE_KEYS, 'a stage');
      const blocks: SetRef = { values: readSet(source, raw.blocks, `${path}.blocks`, SET_RULES.blocks), path: `${path}.blocks` };
      const stride = intAt(source, raw, 'stride', path, 1, MAX_STRIDE);
      const convsPerBlock = intAt(source, raw, 'convsPerBlock', path, 1, MAX_CONVS_PER_BLOCK, 1);
      const residual = raw.residual ?? true;
      if (typeof residual !== 'boolean') throw fieldError(SPACE_ERROR, source, `${path}.residual`, residual, 'true or false');
      const sets: LayerSets = {
        channels: setOf(source, raw, path, 'channels', global),
        kernel: setOf(source, raw, path, 'kernel', global),
        convGroups: setOf(source, raw, path, 'convGroups', global),
        weightBits: setOf(source, raw, path, 'weightBits', global),
        activationBits: setOf(source, raw, path, 'activationBits', global),
      };
      const maxBlocks = Math.max(...blocks.values);
      const slots: ConvSlot[][] = [];
      for (let b = 0; b < maxBlocks; b++) {
        const convs: ConvSlot[] = [];
        for (let c = 0; c < convsPerBlock; c++) {
          convs.push({
            name: `stage${index}.block${b}.conv${c}`, slot: slot++, stage: index, block: b, conv: c,
            stride: b === 0 && c === 0 ? stride : 1, tied: residual && c === convsPerBlock - 1, sets,
          });
        }
        slots.push(convs);
      }
      return { index, blocks, stride, convsPerBlock, residual, channels: sets.channels, slots };
    });

    // ----- head -----
    const headRaw = input.head;
    if (!isObject(headRaw)) throw fieldError(SPACE_ERROR, source, 'head', headRaw, `an object with keys ${HEAD_KEYS.join(', ')}`);
    checkKeys(source, headRaw, 'head', HEAD_KEYS, 'the head');
    const pool = headRaw.pool;
    if (!(HEAD_POOLS as readonly unknown[]).includes(pool)) {
      throw fieldError(SPACE_ERROR, source, 'head.pool', pool, `one of ${HEAD_POOLS.map((p) => JSON.stringify(p)).join(', ')} (a global pool before the fc, or none: the fc flattens c, h, w)`);
    }
    const head = {
      weightBits: setOf(source, headRaw, 'head', 'weightBits', global),
      activationBits: setOf(source, headRaw, 'head', 'activationBits', global),
      slot: slot++,
    };

    // ----- hardware -----
    const hardware = readHardware(source, input.hardware);
    const fixed = readFixedArch(source, input.fixedArch, [...hardware.keys()]);
    checkHardware(source, hardware, fixed);

    this.name = name;
    this.padSeed = padSeed;
    this.fixedArch = fixed.arch;
    this.#stem = stem;
    this.#stages = stages;
    this.#head = head;
    this.#hardware = hardware;
    this.decisions = Object.freeze(this.#register());
    this.spec = deepFreeze<ResolvedSpaceSpec>({
      name, input: spaceInput, padSeed,
      stem: { stride: stemStride, channels: stem.sets.channels.values, kernel: stem.sets.kernel.values, weightBits: stem.sets.weightBits.values, activationBits: stem.sets.activationBits.values },
      stages: stages.map((s) => ({
        blocks: s.blocks.values, stride: s.stride, convsPerBlock: s.convsPerBlock, residual: s.residual,
        channels: s.channels.values, kernel: s.slots[0][0].sets.kernel.values, convGroups: s.slots[0][0].sets.convGroups.values,
        weightBits: s.slots[0][0].sets.weightBits.values, activationBits: s.slots[0][0].sets.activationBits.values,
      })),
      head: { pool: pool as 'avg' | 'max' | 'none', weightBits: head.weightBits.values, activationBits: head.activationBits.values },
      decisions: { channels: global.channels.values, kernel: global.kernel.values, convGroups: global.convGroups.values, weightBits: global.weightBits.values, activationBits: global.activationBits.values },
      hardware: Object.fromEntries(hardware),
      fixedArch: { base: fixed.base, sets: fixed.sets },
    });
    this.#checkShapes();
    this.#widthFlow((conv, inC, outC) => {
      if (legalGroups(conv.sets.convGroups.values, inC, outC).length > 0) return;
      throw fieldError(SPACE_ERROR, source, conv.sets.convGroups.path, conv.sets.convGroups.values,
        `a set holding a divisor of both channel counts of every layer it applies to; ${conv.name} can read ${inC} and write ${outC} channels, and no value divides both (1 always does)`);
    });
  }

  // ===== Genes =====

  #register(): Decision[] {
    const decisions: Decision[] = [];
    const add = (id: string, values: readonly (number | string)[], kind: 'nn' | 'hw', field: DecisionField, meta: Partial<Decision>): void => {
      const gene = values.length > 1 ? decisions.length : -1;
      this.#entries.set(id, { values, gene });
      if (gene >= 0) decisions.push({ id, kind, field, values: Object.freeze([...values]), ...meta });
    };
    const addConv = (conv: ConvSlot, prefix: string, meta: Partial<Decision>): void => {
      for (const field of CONV_GENE_FIELDS) {
        if (field === 'outChannels' && conv.tied) continue;
        const values = field === 'outChannels' ? conv.sets.channels.values : conv.sets[field].values;
        add(`${prefix}.${field}`, values, 'nn', field, { layer: conv.name, slot: conv.slot, ...meta });
      }
    };
    addConv(this.#stem, 'stem', {});
    for (const stage of this.#stages) {
      const s = stage.index;
      add(`stage${s}.blocks`, stage.blocks.values, 'nn', 'blocks', { stage: s });
      if (stage.residual) add(`stage${s}.channels`, stage.channels.values, 'nn', 'channels', { stage: s });
      for (const convs of stage.slots) for (const conv of convs) addConv(conv, conv.name, { stage: s, block: conv.block });
    }
    add('head.fc.weightBits', this.#head.weightBits.values, 'nn', 'weightBits', { layer: 'head.fc', slot: this.#head.slot });
    add('head.fc.activationBits', this.#head.activationBits.values, 'nn', 'activationBits', { layer: 'head.fc', slot: this.#head.slot });
    for (const [path, values] of this.#hardware) add(`hw.${path}`, values, 'hw', 'hardware', { path });
    return decisions;
  }

  #entry(id: string): Entry {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw new Error(`internal: no decision ${id}`);
    return entry;
  }

  // ===== Shapes and widths =====

  /** Output sides after every stride: ceil(side / stride) (convPadding keeps K-1 padded rows). */
  finalSize(): { height: number; width: number } {
    let { height, width } = this.spec.input;
    for (const stride of [this.#stem.stride, ...this.#stages.map((s) => s.stride)]) {
      height = Math.ceil(height / stride);
      width = Math.ceil(width / stride);
    }
    return { height, width };
  }

  #checkShapes(): void {
    const { height, width } = this.finalSize();
    const pool = this.spec.head.pool;
    if (pool !== 'none' && (height !== width || height > MAX_POOL_KERNEL)) {
      throw fieldError(SPACE_ERROR, this.#source, 'head.pool', pool,
        `"none" here: a global pool needs a square last feature map of side at most ${MAX_POOL_KERNEL}, and this one is ${height}x${width}`);
    }
    const features = Math.max(...this.#lastWidths()) * (pool === 'none' ? height * width : 1);
    if (features > MAX_FEATURES) {
      throw fieldError(SPACE_ERROR, this.#source, 'head.pool', pool, `a pool: the fc would read up to ${features} features, more than ${MAX_FEATURES}`);
    }
  }

  #lastWidths(): number[] {
    const last = this.#stages[this.#stages.length - 1];
    return last.channels.values;
  }

  /**
   * Walk every reachable (conv, input width, output width) of the network, counting distinct layer
   * settings: per stage, per block count (and per stage width in a residual stage). Returns the count of
   * distinct network parts by the width they end with. `visit` sees each reachable width pair first.
   */
  #widthFlow(visit?: (conv: ConvSlot, inC: number, outC: number) => void): Dist {
    const multiplicity = (conv: ConvSlot, inC: number, outC: number): bigint => {
      visit?.(conv, inC, outC);
      const s = conv.sets;
      return BigInt(s.kernel.values.length * legalGroups(s.convGroups.values, inC, outC).length * s.weightBits.values.length * s.activationBits.values.length);
    };
    const step = (dist: Dist, conv: ConvSlot, outs: readonly number[]): Dist => {
      const next: Dist = new Map();
      for (const [inC, n] of dist) for (const outC of outs) {
        const m = multiplicity(conv, inC, outC);
        if (m > 0n) addTo(next, outC, n * m);
      }
      return next;
    };
    let dist: Dist = step(new Map([[this.spec.input.channels, 1n]]), this.#stem, this.#stem.sets.channels.values);
    for (const stage of this.#stages) {
      const next: Dist = new Map();
      for (const width of stage.residual ? stage.channels.values : [0]) {
        for (const blocks of stage.blocks.values) {
          let d = dist;
          for (let b = 0; b < blocks; b++) {
            for (const conv of stage.slots[b]) d = step(d, conv, conv.tied ? [width] : conv.sets.channels.values);
          }
          for (const [w, n] of d) addTo(next, w, n);
        }
      }
      dist = next;
    }
    return dist;
  }

  // ===== Size =====

  /** The raw genome count and the effective count of distinct candidates (docs/space.md §6). */
  size(): SpaceSize {
    let raw = 1n;
    for (const d of this.decisions) raw *= BigInt(d.values.length);
    let nn = 0n;
    for (const n of this.#widthFlow().values()) nn += n;
    nn *= BigInt(this.#head.weightBits.values.length * this.#head.activationBits.values.length);
    let hardware = 1n;
    for (const values of this.#hardware.values()) hardware *= BigInt(values.length);
    const effective = nn * hardware;
    return { genes: this.decisions.length, raw, effective, effectiveNn: nn, hardware, rawLog10: log10Big(raw), effectiveLog10: log10Big(effective) };
  }

  // ===== Genomes =====

  /** A uniformly random genome, decoded (so groups are repaired) with the space's pad seed. */
  sample(rng: Rng): Candidate {
    return this.decode(this.decisions.map((d) => rng.int(d.values.length)));
  }

  /**
   * Genome -> candidate. Genes of inactive blocks are ignored; groups that do not divide a layer's channels
   * are repaired; pad sides are drawn from `seed` (default: the space's padSeed).
   */
  decode(genome: ArrayLike<number>, seed: number = this.padSeed): Candidate {
    const n = this.decisions.length;
    if (genome.length !== n) {
      throw fieldError(SPACE_ERROR, 'genome', 'length', genome.length, `${n}, one gene per decision of space ${JSON.stringify(this.name)}`);
    }
    for (let i = 0; i < n; i++) {
      const g = genome[i];
      const count = this.decisions[i].values.length;
      if (!isInt(g) || g < 0 || g >= count) {
        throw fieldError(SPACE_ERROR, 'genome', `[${i}] (${this.decisions[i].id})`, g, `an integer in 0..${count - 1}, a value index`);
      }
    }
    const v = (id: string): number | string => {
      const e = this.#entry(id);
      return e.values[e.gene >= 0 ? genome[e.gene] : 0];
    };
    const num = (id: string): number => v(id) as number;
    const conv = (slot: ConvSlot, prefix: string, width: number): CandidateConv => ({
      outChannels: slot.tied ? width : num(`${prefix}.outChannels`),
      kernel: num(`${prefix}.kernel`),
      convGroups: num(`${prefix}.convGroups`),
      weightBits: num(`${prefix}.weightBits`),
      activationBits: num(`${prefix}.activationBits`),
    });
    const candidate: Candidate = {
      space: this.name,
      seed,
      stem: conv(this.#stem, 'stem', 0),
      stages: this.#stages.map((stage): CandidateStage => {
        const blocks = num(`stage${stage.index}.blocks`);
        const width = stage.residual ? num(`stage${stage.index}.channels`) : 0;
        return { blocks, convs: stage.slots.slice(0, blocks).map((convs) => convs.map((slot) => conv(slot, slot.name, width))) };
      }),
      head: { weightBits: num('head.fc.weightBits'), activationBits: num('head.fc.activationBits') },
      hardware: Object.fromEntries([...this.#hardware.keys()].map((path) => [path, v(`hw.${path}`)])),
    };
    return this.#check(candidate, 'genome', { repair: true });
  }

  /** Candidate -> genome (the candidate must be valid). Genes of inactive blocks are 0. */
  encode(candidate: unknown): Genome {
    const c = this.validateCandidate(candidate);
    const genome: Genome = new Array<number>(this.decisions.length).fill(0);
    const set = (id: string, value: number | string): void => {
      const e = this.#entry(id);
      if (e.gene >= 0) genome[e.gene] = e.values.indexOf(value);
    };
    const setConv = (slot: ConvSlot, prefix: string, conv: CandidateConv): void => {
      for (const field of CONV_GENE_FIELDS) if (!(field === 'outChannels' && slot.tied)) set(`${prefix}.${field}`, conv[field]);
    };
    setConv(this.#stem, 'stem', c.stem);
    c.stages.forEach((stage, s) => {
      const plan = this.#stages[s];
      set(`stage${s}.blocks`, stage.blocks);
      if (plan.residual) set(`stage${s}.channels`, stage.convs[0][plan.convsPerBlock - 1].outChannels);
      stage.convs.forEach((convs, b) => convs.forEach((conv, k) => setConv(plan.slots[b][k], plan.slots[b][k].name, conv)));
    });
    set('head.fc.weightBits', c.head.weightBits);
    set('head.fc.activationBits', c.head.activationBits);
    for (const [path, value] of Object.entries(c.hardware)) set(`hw.${path}`, value);
    return genome;
  }

  // ===== Candidates =====

  /** Check a candidate (parsed JSON) strictly; returns a clean copy. Throws GibbonError naming the field. */
  validateCandidate(candidate: unknown, source = 'candidate'): Candidate {
    return this.#check(candidate, source, { repair: false });
  }

  /** A copy with every group repaired (docs/space.md §3) and the pad sides redrawn from its seed; the rest must be valid. */
  repair(candidate: unknown, source = 'candidate'): Candidate {
    return this.#check(candidate, source, { repair: true });
  }

  /** The architecture of a valid candidate: fixedArch.base, fixedArch.sets, then its hardware values, in one applySets. */
  archOf(candidate: Candidate, source = 'candidate'): ArchConfig {
    return applySets(ARCH_PRESETS[this.spec.fixedArch.base], [...this.spec.fixedArch.sets, ...hwSets(candidate.hardware)], `${source} hardware`);
  }

  #check(raw: unknown, source: string, options: CheckOptions): Candidate {
    if (!isObject(raw)) throw fieldError(SPACE_ERROR, source, '(root)', raw, `an object with keys ${CANDIDATE_KEYS.join(', ')}`);
    checkKeys(source, raw, '', CANDIDATE_KEYS, 'a candidate');
    if (raw.space !== this.name) {
      throw fieldError(SPACE_ERROR, source, 'space', raw.space, `${JSON.stringify(this.name)}, the space this candidate is checked against`);
    }
    const seed = intAt(source, raw, 'seed', '', 0, MAX_SEED);
    const inSet = (obj: Record<string, unknown>, key: string, path: string, values: readonly (number | string)[]): number => {
      const value = obj[key];
      if (!values.includes(value as number | string)) throw fieldError(SPACE_ERROR, source, `${path}.${key}`, value, describeValues(values));
      return value as number;
    };
    const readConv = (value: unknown, path: string, slot: ConvSlot, width: number | undefined): CandidateConv => {
      if (!isObject(value)) throw fieldError(SPACE_ERROR, source, path, value, `an object with keys ${CONV_KEYS.join(', ')}`);
      checkKeys(source, value, path, CONV_KEYS, 'a conv');
      const s = slot.sets;
      let outChannels: number;
      if (width !== undefined && value.outChannels !== width) {
        throw fieldError(SPACE_ERROR, source, `${path}.outChannels`, value.outChannels,
          `${width}, the stage width (a residual stage ties every block's output width to its first block's)`);
      } else {
        outChannels = inSet(value, 'outChannels', path, s.channels.values);
      }
      const conv: CandidateConv = {
        outChannels,
        kernel: inSet(value, 'kernel', path, s.kernel.values),
        convGroups: inSet(value, 'convGroups', path, s.convGroups.values),
        weightBits: inSet(value, 'weightBits', path, s.weightBits.values),
        activationBits: inSet(value, 'activationBits', path, s.activationBits.values),
      };
      if (value.padSide !== undefined) conv.padSide = value.padSide as 0 | 1;
      return conv;
    };

    const stem = readConv(raw.stem, 'stem', this.#stem, undefined);
    const stagesRaw = raw.stages;
    if (!Array.isArray(stagesRaw) || stagesRaw.length !== this.#stages.length) {
      const got = Array.isArray(stagesRaw) ? `${stagesRaw.length} stages` : formatValue(stagesRaw);
      throw countError(source, 'stages', got, `a list of ${this.#stages.length}, the stages of space ${JSON.stringify(this.name)}`);
    }
    const stages: CandidateStage[] = this.#stages.map((plan, s) => {
      const path = `stages[${s}]`;
      const value: unknown = stagesRaw[s];
      if (!isObject(value)) throw fieldError(SPACE_ERROR, source, path, value, `an object with keys ${CANDIDATE_STAGE_KEYS.join(', ')}`);
      checkKeys(source, value, path, CANDIDATE_STAGE_KEYS, 'a candidate stage');
      const blocks = inSet(value, 'blocks', path, plan.blocks.values);
      const convsRaw = value.convs;
      if (!Array.isArray(convsRaw) || convsRaw.length !== blocks) {
        const got = Array.isArray(convsRaw) ? `${convsRaw.length} block${convsRaw.length === 1 ? '' : 's'}` : formatValue(convsRaw);
        throw countError(source, `${path}.convs`, got, `${blocks}, as ${path}.blocks says (a list per block, each of ${plan.convsPerBlock} conv${plan.convsPerBlock === 1 ? '' : 's'})`);
      }
      let width: number | undefined;
      const convs = convsRaw.map((blockRaw: unknown, b) => {
        const blockPath = `${path}.convs[${b}]`;
        if (!Array.isArray(blockRaw) || blockRaw.length !== plan.convsPerBlock) {
          const got = Array.isArray(blockRaw) ? `${blockRaw.length} convs` : formatValue(blockRaw);
          throw countError(source, blockPath, got, `a list of ${plan.convsPerBlock} conv${plan.convsPerBlock === 1 ? '' : 's'}, the convs per block of stage ${s}`);
        }
        return blockRaw.map((convRaw: unknown, k) => {
          const slot = plan.slots[b][k];
          const conv = readConv(convRaw, `${blockPath}[${k}]`, slot, slot.tied ? width : undefined);
          if (slot.tied) width ??= conv.outChannels;
          return conv;
        });
      });
      return { blocks, convs };
    });
    const headRaw = raw.head;
    if (!isObject(headRaw)) throw fieldError(SPACE_ERROR, source, 'head', headRaw, 'an object with keys weightBits, activationBits');
    checkKeys(source, headRaw, 'head', ['weightBits', 'activationBits'], 'a candidate head');
    const head = {
      weightBits: inSet(headRaw, 'weightBits', 'head', this.#head.weightBits.values),
      activationBits: inSet(headRaw, 'activationBits', 'head', this.#head.activationBits.values),
    };
    const hwRaw = raw.hardware;
    const paths = [...this.#hardware.keys()];
    if (!isObject(hwRaw)) throw fieldError(SPACE_ERROR, source, 'hardware', hwRaw, `an object with the paths ${paths.join(', ')}`);
    for (const key of Object.keys(hwRaw)) {
      if (!this.#hardware.has(key)) throw unknownKeyError(SPACE_ERROR, source, `hardware[${JSON.stringify(key)}]`, 'path', `the hardware paths of the space: ${paths.join(', ')}`);
    }
    const hardware: Record<string, number | string> = {};
    for (const [path, values] of this.#hardware) {
      const value = hwRaw[path];
      if (!values.includes(value as number | string)) throw fieldError(SPACE_ERROR, source, `hardware[${JSON.stringify(path)}]`, value, describeValues(values));
      hardware[path] = value as number | string;
    }
    const candidate: Candidate = { space: this.name, seed, stem, stages, head, hardware };
    this.#checkGroupsAndPads(candidate, source, options);
    return candidate;
  }

  /** With the channel widths known: convGroups divides both counts, and even kernels carry their drawn pad side. */
  #checkGroupsAndPads(c: Candidate, source: string, options: CheckOptions): void {
    const visit = (slot: ConvSlot, conv: CandidateConv, path: string, inC: number): void => {
      const groups = slot.sets.convGroups.values;
      const legal = legalGroups(groups, inC, conv.outChannels);
      if (!legal.includes(conv.convGroups)) {
        if (!options.repair) {
          throw fieldError(SPACE_ERROR, source, `${path}.convGroups`, conv.convGroups,
            `a divisor of both inChannels (${inC}) and outChannels (${conv.outChannels}) among ${groups.join(', ')}: ${legal.join(', ')} (space.repair() picks the largest not above ${conv.convGroups})`);
        }
        conv.convGroups = repairGroup(groups, conv.convGroups, inC, conv.outChannels);
      }
      const even = conv.kernel % 2 === 0;
      const drawn = even ? drawPadSide(c.seed, slot.slot) : undefined;
      if (options.repair) {
        if (drawn === undefined) delete conv.padSide;
        else conv.padSide = drawn;
      } else if (conv.padSide !== drawn) {
        const allowed = drawn === undefined
          ? `nothing: only even kernels have a pad side (kernel ${conv.kernel})`
          : `${drawn}, the side drawn from seed ${c.seed} for ${slot.name} (0 = bottom/right, 1 = top/left; space.repair() redraws it)`;
        throw fieldError(SPACE_ERROR, source, `${path}.padSide`, conv.padSide, allowed);
      }
    };
    visit(this.#stem, c.stem, 'stem', this.spec.input.channels);
    let inC = c.stem.outChannels;
    c.stages.forEach((stage, s) => stage.convs.forEach((convs, b) => convs.forEach((conv, k) => {
      visit(this.#stages[s].slots[b][k], conv, `stages[${s}].convs[${b}][${k}]`, inC);
      inC = conv.outChannels;
    })));
  }
}

/** The parts of a space document that decide its supernet's weights: all but the hardware decisions and fixedArch. */
const NETWORK_KEYS = ['name', 'input', 'padSeed', 'stem', 'stages', 'head', 'decisions'] as const satisfies readonly (keyof ResolvedSpaceSpec)[];

/**
 * The first part (top-level key) in which two spaces' networks differ, or undefined when a supernet trained
 * on one serves the other: the same name, input, stem, stages, head and decisions (defaults filled in, key
 * order ignored); hardware and fixedArch may differ, since no weight depends on them.
 */
export function networkDifference(a: Space, b: Space): string | undefined {
  return NETWORK_KEYS.find((k) => canonicalJson(a.spec[k]) !== canonicalJson(b.spec[k]));
}

/**
 * Check a space document (parsed JSON) and resolve it. Throws GibbonError (SPACE_ERROR) naming the field:
 * `<source>: <path>: got <value>; allowed: <allowed>`.
 */
export function resolveSpace(json: unknown, source: string): Space {
  return new Space(json, source);
}
