// The ranking bench's candidate rule (docs/supernet.md §6): a fixed, seeded stratified draw, no hand-picking.
//
// 1. A pool of `pool` draws of space.sample(new Rng(seed).fork('ranking-candidates')).
// 2. Each draw gets its MACs (the sub-network's conv + fc multiply-accumulates per image) and its mean bits
//    (the mean of weightBits and outputBits over the skeleton's conv layers and the input bits).
// 3. The pool is cut into 4 MAC quartiles and, independently, 3 mean-bits terciles: 12 cells.
// 4. From each cell, the first draw in draw order (the quartile q = 0..3, the tercile b = 0..2; cell
//    k = 3q + b). A cell the pool leaves empty takes the first unused draw of its MAC quartile.
// 5. ADC resolution: the candidate's `adc.bits` is set to the space's ADC values[(q + b) mod 4], so each
//    MAC quartile sees three different resolutions and each resolution appears three times. The other
//    hardware genes stay as drawn.
import type { Space } from '../src/space/space.ts';
import { toModelSkeleton } from '../src/space/convert.ts';
import type { Candidate } from '../src/space/types.ts';
import type { Supernet } from '../src/nn/supernet.ts';
import { Rng } from '../src/util/rng.ts';

export interface RankingCandidate { name: string; c: Candidate; macs: number; params: number; meanBits: number; adcBits: number }

const ADC_PATH = 'adc.bits';

export function meanBits(space: Space, c: Candidate): number {
  const sk = toModelSkeleton(space, c);
  const bits = [sk.input.bits];
  for (const l of sk.layers) if (l.type === 'conv') bits.push(l.weightBits, l.outputBits);
  return bits.reduce((a, b) => a + b, 0) / bits.length;
}

/** Index of the quantile bin (0 .. bins-1) of each value, by rank (ties broken by draw order). */
function rankBins(values: number[], bins: number): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const bin = new Array<number>(values.length);
  order.forEach(([, i], r) => { bin[i] = Math.floor((r * bins) / values.length); });
  return bin;
}

export function rankingCandidates(space: Space, sn: Supernet, seed: number, pool = 120): RankingCandidate[] {
  const adcValues = space.decisions.find((d) => d.kind === 'hw' && d.path === ADC_PATH)?.values.map(Number);
  if (!adcValues) throw new Error(`space ${space.name} has no ${ADC_PATH} decision`);
  const rng = new Rng(seed).fork('ranking-candidates');
  const draws = Array.from({ length: pool }, () => {
    const c = space.sample(rng);
    const net = sn.subnetNet(c);
    try { return { c, macs: net.macs(), params: net.paramCount(), meanBits: meanBits(space, c) }; } finally { net.dispose(); }
  });
  const macBin = rankBins(draws.map((d) => d.macs), 4);
  const bitBin = rankBins(draws.map((d) => d.meanBits), 3);
  const used = new Set<number>();
  const out: RankingCandidate[] = [];
  for (let q = 0; q < 4; q++) {
    for (let b = 0; b < 3; b++) {
      let i = draws.findIndex((_, j) => !used.has(j) && macBin[j] === q && bitBin[j] === b);
      if (i < 0) i = draws.findIndex((_, j) => !used.has(j) && macBin[j] === q);
      used.add(i);
      const adcBits = adcValues[(q + b) % adcValues.length];
      const c = space.validateCandidate({ ...draws[i].c, hardware: { ...draws[i].c.hardware, [ADC_PATH]: adcBits } });
      out.push({ name: `m${q + 1}b${b + 1}`, c, macs: draws[i].macs, params: draws[i].params, meanBits: draws[i].meanBits, adcBits });
    }
  }
  return out;
}
