// The problem of bench:search-hw (docs/search.md §8.5): a hardware-only multi-objective search on the
// `gibbon-cifar` space, where decisions differ strongly in effect (four chip-wide hardware decisions
// against 66 per-layer ones, many of them inactive in a given design). Objectives: energy, latency and
// area of one inference from the real hardware simulator (model 'gibbon', in this thread). Constraint:
// MACs >= a floor, so that the tiniest network does not win every objective trivially.
//
// Units are `gibbon search`'s: energy uJ, latency ms, area mm2; `macs` (multiply-accumulates per image)
// and `params` (weights) count the conv and fc layers as the report does (src/report/network-summary.ts).
// Every design of the space fits the chip (the largest, on 32x32 crossbars, included), so no design needs
// worst-case metrics; a simulator error would stop the bench.

import type { Simulator } from '../src/hw/simulator.ts';
import { resolveNetwork } from '../src/hw/network.ts';
import { summarizeNetwork } from '../src/report/network-summary.ts';
import type { HypervolumeSpec } from '../src/search/hypervolume.ts';
import { randomGenome, resampleGene } from '../src/search/operators.ts';
import { decisionsOfSpace, genomeKey, makeEvaluated, type Evaluator, type Genome, type MetricName, type Metrics, type Problem } from '../src/search/problem.ts';
import { toArch, toNetworkSpec } from '../src/space/convert.ts';
import { spacePreset } from '../src/space/presets.ts';
import type { Space } from '../src/space/space.ts';
import { Rng } from '../src/util/rng.ts';

/** The MAC floor: about half of the space's uniformly drawn designs meet it (median 19.4 M over 2,000). */
export const DEFAULT_MIN_MACS = 2e7;

export const HW_OBJECTIVES: MetricName[] = ['energy', 'latency', 'area'];

const NJ_TO_UJ = 1e-3, NS_TO_MS = 1e-6, UM2_TO_MM2 = 1e-6;

export interface HardwareOnly {
  space: Space;
  problem: Problem;
  /** Metrics of one genome (decoded by the space): energy, latency, area, macs, params. */
  metricsOf(genome: Genome): Metrics;
}

/** The bench's problem on `gibbon-cifar` with a MAC floor, evaluated by `sim`. */
export function hardwareOnly(sim: Simulator, minMacs: number = DEFAULT_MIN_MACS): HardwareOnly {
  const space = spacePreset('gibbon-cifar');
  const problem: Problem = {
    decisions: decisionsOfSpace(space.decisions), objectives: HW_OBJECTIVES, constraints: [{ metric: 'macs', min: minMacs }],
    canonicalize: (g) => space.encode(space.decode(g)),
  };
  const metricsOf = (genome: Genome): Metrics => {
    const c = space.decode(genome);
    const layers = resolveNetwork(toNetworkSpec(space, c), 'gibbon-cifar candidate').layers;
    const t = sim.simulate(layers, toArch(space, c), { model: 'gibbon' }).totals;
    const { macs, params } = summarizeNetwork(layers);
    return { energy: t.energyNj * NJ_TO_UJ, latency: t.latencyNs * NS_TO_MS, area: t.areaUm2 * UM2_TO_MM2, macs, params };
  };
  return { space, problem, metricsOf };
}

/** An evaluator over metricsOf that remembers every genome it has seen until clear() (runs of one seed share it). */
export function memoEvaluator(metricsOf: (genome: Genome) => Metrics): Evaluator & { clear(): void; readonly simulated: number } {
  const memo = new Map<string, Metrics>();
  let simulated = 0;
  return {
    get simulated() { return simulated; },
    clear: () => memo.clear(),
    evaluate: async (genomes) => genomes.map((g) => {
      const key = genomeKey(g);
      let m = memo.get(key);
      if (m === undefined) { m = metricsOf(g); memo.set(key, m); simulated++; }
      return { ...m };
    }),
  };
}

/**
 * The hypervolume normalization, fixed before any run: on a log scale per objective, from half the least to
 * twice the most value among the feasible designs of `samples` uniform random genomes (Rng seed 0, a stream
 * of its own, so no run seed draws them), reference point 1.1 in each.
 */
export function referenceSpec(hw: HardwareOnly, samples = 2000): Required<HypervolumeSpec> {
  const rng = new Rng(0).fork('search-hw hypervolume reference');
  const sizes = hw.problem.decisions.map((d) => d.size);
  const feasible: number[][] = [];
  for (let i = 0; i < samples; i++) {
    const genome = randomGenome(sizes, rng);
    const e = makeEvaluated(hw.problem, i, 0, genome, hw.metricsOf(genome));
    if (e.cv === 0) feasible.push(e.F);
  }
  const sig3 = (x: number) => Number(x.toPrecision(3));
  const objectives = hw.problem.objectives.map((_, o) => feasible.map((f) => f[o]));
  return {
    ref: objectives.map(() => 1.1),
    ideal: objectives.map((vs) => sig3(Math.min(...vs) / 2)),
    nadir: objectives.map((vs) => sig3(2 * Math.max(...vs))),
    log: objectives.map(() => true),
  };
}

/**
 * How much each decision moves the objectives on its own: over `samples` uniform random genomes (Rng seed 0,
 * a stream of its own), the mean of Σ_o |ln f_o(child) - ln f_o(parent)| when the decision alone takes
 * another value, uniformly. A decision inactive in a design (a block its stage does not have) moves nothing.
 */
export function decisionEffects(hw: HardwareOnly, samples = 100): number[] {
  const rng = new Rng(0).fork('search-hw decision effects');
  const sizes = hw.problem.decisions.map((d) => d.size);
  const sum = sizes.map(() => 0);
  for (let i = 0; i < samples; i++) {
    const parent = randomGenome(sizes, rng);
    const f = hw.problem.objectives.map((o) => hw.metricsOf(parent)[o]);
    sizes.forEach((n, d) => {
      if (n < 2) return;
      const child = [...parent];
      resampleGene(child, d, n, rng);
      const g = hw.metricsOf(child);
      sum[d] += hw.problem.objectives.reduce((s, o, k) => s + Math.abs(Math.log(g[o] / f[k])), 0);
    });
  }
  return sum.map((s) => s / samples);
}
