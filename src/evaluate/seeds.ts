// The designs a Gibbon search starts from besides random ones (Problem.seeds, docs/search.md §3): the two
// ends of the accuracy-cost trade-off, so that even a short search holds the top of the space and its
// cheapest corner. The most accurate end is the largest sub-network on the most exact hardware the space
// offers (PRECISION_DIRECTION: finest ADC, smallest crossbar, 1-bit DACs and cells); the cheapest end is
// the smallest sub-network on the least exact. A hardware decision without a precision direction takes
// its first value at both ends.
import { PRECISION_DIRECTION } from '../hw/arch.ts';
import { largestCandidate, smallestCandidate } from '../nn/supernet.ts';
import type { Genome } from '../search/problem.ts';
import type { Space } from '../space/space.ts';

/** [most accurate, cheapest]: canonical genomes of the space. */
export function extremeSeeds(space: Space): Genome[] {
  const end = (network: Genome, exact: boolean): Genome => {
    const genome = space.decisions.map((d, i) => {
      if (d.kind !== 'hw') return network[i];
      const direction = d.path === undefined ? undefined : PRECISION_DIRECTION[d.path];
      if (direction === undefined || !d.values.every((v) => typeof v === 'number')) return 0;
      const values = d.values as readonly number[];
      const want = (exact ? direction : -direction) > 0 ? Math.max(...values) : Math.min(...values);
      return values.indexOf(want);
    });
    return space.encode(space.decode(genome));
  };
  return [end(space.encode(largestCandidate(space)), true), end(space.encode(smallestCandidate(space)), false)];
}
