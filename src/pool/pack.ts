// Packing a task with shared records: the same PackedBatch contract as packBatch (src/hw/simulator.ts),
// but every distinct layer list is written once and every job of it points at that one block (the
// batch job record carries a layers pointer per job, docs/abi.md), and so is every distinct
// (architecture object, switches, pipeline) record. A search batch is one network over thousands of
// architectures: VGG8's 12 layer records are 81 % of a job's input, so the task shrinks about 5x and
// packing costs one record write per job instead of thirteen. The kernel reads the same f64 values from
// either layout (it never writes its inputs), so the results are bit-identical to packBatch's.
import * as L from '../../assembly/layout.ts';
import { packArch, packLayers, switchesFor } from '../hw/abi.ts';
import { jobResultSlots, type PackedBatch, type SimJob } from '../hw/simulator.ts';
import type { ArchConfig, ResolvedLayer } from '../hw/types.ts';

/** Slots of the PackedBatch.jobs row: [archOffset, layersOffset, nLayers, resultOffset]. */
const JOB_ROW = 4;
/** Switch masks up to this share records (the kernel accepts 0..SW_ALL). */
const MAX_SHARED_SWITCHES = 1 << 20;

/**
 * Offsets of the architecture records already written, by (object, options key). The first key of an
 * object is kept in two flat maps (no allocation per architecture); further keys of the same object,
 * rarer, in a nested map.
 */
class ArchRecords {
  readonly #firstKey = new Map<ArchConfig, number>();
  readonly #firstAt = new Map<ArchConfig, number>();
  readonly #more = new Map<ArchConfig, Map<number, number>>();

  get(arch: ArchConfig, key: number): number | undefined {
    const first = this.#firstKey.get(arch);
    if (first === undefined) return undefined;
    return first === key ? this.#firstAt.get(arch) : this.#more.get(arch)?.get(key);
  }

  set(arch: ArchConfig, key: number, at: number): void {
    if (!this.#firstKey.has(arch)) {
      this.#firstKey.set(arch, key);
      this.#firstAt.set(arch, at);
      return;
    }
    let more = this.#more.get(arch);
    if (more === undefined) { more = new Map(); this.#more.set(arch, more); }
    more.set(key, at);
  }
}

/** packBatch with each distinct layer list and architecture record stored once (identity of the objects). */
export function packShared(jobs: readonly SimJob[], totalsOnly = false): PackedBatch {
  const layerAt = new Map<readonly ResolvedLayer[], number>();
  const archAt = new ArchRecords();
  const meta = new Float64Array(jobs.length * JOB_ROW);
  // Pass 1: assign offsets (layer blocks and arch records interleaved in first-use order). writer[i] is
  // 1 + the arch record offset when job i is the one that writes it, else 0.
  const writer = new Float64Array(jobs.length);
  let dataSlots = 0, resultSlots = 0;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i];
    let lo = layerAt.get(job.layers);
    if (lo === undefined) {
      lo = dataSlots;
      layerAt.set(job.layers, lo);
      dataSlots += job.layers.length * L.LAYER_LEN;
    }
    // The record's last two fields come from the options: key them as one number. Switches that are not
    // a small integer (the kernel rejects them) are never shared, so no two keys can collide.
    const switches = switchesFor(job.options);
    const shareable = Number.isInteger(switches) && switches >= 0 && switches <= MAX_SHARED_SWITCHES;
    const key = switches * 2 + (job.options?.pipeline === false ? 0 : 1);
    let ao = shareable ? archAt.get(job.arch, key) : undefined;
    if (ao === undefined) {
      ao = dataSlots;
      if (shareable) archAt.set(job.arch, key, ao);
      dataSlots += L.ARCH_LEN;
      writer[i] = 1 + ao;
    }
    const row = i * JOB_ROW;
    meta[row] = ao;
    meta[row + 1] = lo;
    meta[row + 2] = job.layers.length;
    meta[row + 3] = resultSlots;
    resultSlots += jobResultSlots(job.layers.length, totalsOnly);
  }
  // Pass 2: write each record once.
  const data = new Float64Array(dataSlots);
  for (const [layers, at] of layerAt) packLayers(layers, data, at);
  for (let i = 0; i < jobs.length; i++) {
    if (writer[i] !== 0) packArch(jobs[i].arch, jobs[i].options, data, writer[i] - 1);
  }
  return { jobs: meta, data, resultSlots, totalsOnly };
}
