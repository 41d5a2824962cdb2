// What the report shows of a run beyond its files, web-standard so that `gibbon report` and the app's run
// viewer build the same page: the front designs with their network sizes, the default design of the
// per-layer breakdown, and that breakdown (one hardware simulation of the design on its own architecture).
import { resolveNetwork } from '../hw/network.ts';
import type { SimJob } from '../hw/simulator.ts';
import type { SimResult } from '../hw/types.ts';
import { toArch, toNetworkSpec } from '../space/convert.ts';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { toPublicJson } from './hw-json.ts';
import { summarizeNetwork } from './network-summary.ts';
import type { DesignBreakdown, FrontDesign } from './run-data.ts';
import { readFront, type RunSource } from './run-reader.ts';

/** The front.json designs, checked against the space, with their network sizes (the space's hardware layers). */
export function frontWithNetworks(run: RunSource, space: Space): FrontDesign[] {
  const file = run.nameOf('front.json');
  return readFront(run, (g) => space.decode(g)).map((d) => {
    const c = space.validateCandidate(d.candidate, `${file} design ${d.id}`);
    return { ...d, candidate: c, network: summarizeNetwork(resolveNetwork(toNetworkSpec(space, c), `${space.name} candidate`).layers) };
  });
}

/** The default design of the breakdown: best validation accuracy, then the lower id. */
export function bestDesign(front: readonly FrontDesign[]): FrontDesign | undefined {
  return [...front].sort((a, b) => b.metrics.accuracy - a.metrics.accuracy || a.id - b.id)[0];
}

/** The per-layer breakdown of a design: hardware model gibbon, inter-layer pipeline (the search's simulation). */
export async function designBreakdown(simulate: (job: SimJob) => SimResult | Promise<SimResult>, space: Space, id: number, candidate: Candidate): Promise<DesignBreakdown> {
  const layers = resolveNetwork(toNetworkSpec(space, candidate), `${space.name} candidate`).layers;
  const r = await simulate({ layers, arch: toArch(space, candidate), options: { model: 'gibbon' } });
  return { designId: id, simulation: toPublicJson(r, `design ${id}`, `design ${id}`) };
}
