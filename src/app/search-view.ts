// What the search panel draws, from the run's data as it grows: the progress line, and the report's
// design plots and Pareto front table (src/report/html-report.ts, the very code of report.html), redrawn
// as records arrive. The front while running is the library's own front rule (frontOf) over the journal.
import { resolveNetwork } from '../hw/network.ts';
import type { GibbonSearchEvent } from '../run/gibbon-search.ts';
import { breakdownHtml, designPlotsHtml, frontTableHtml } from '../report/html-report.ts';
import type { DesignBreakdown, FrontDesign, JournalRecord, RunConfig } from '../report/run-data.ts';
import { summarizeNetwork } from '../report/network-summary.ts';
import { makeEvaluated, type MetricName } from '../search/problem.ts';
import { frontOf } from '../search/run-search.ts';
import { toNetworkSpec } from '../space/convert.ts';
import type { Space } from '../space/space.ts';
import { clock } from '../util/clock.ts';

const UNITS: Partial<Record<MetricName, string>> = { energy: ' µJ', latency: ' ms', area: ' mm²', edp: ' mJ·ms', power: ' W' };
const best = (o: MetricName, v: number | undefined) => (v === undefined ? '-' : o === 'accuracy' ? `${(100 * v).toFixed(1)} %` : `${Number(v.toPrecision(3))}${UNITS[o] ?? ''}`);

/** The progress line of an event (what the CLI's line shows, in words). */
export function progressText(e: GibbonSearchEvent, objectives: readonly MetricName[]): string {
  if (e.kind === 'supernet-training') return `supernet ${e.space}: training ${e.epochs} epoch(s), kept in this browser for later runs (${e.location})`;
  if (e.kind === 'supernet-progress') {
    const p = e.progress;
    return `supernet: epoch ${p.epoch}/${p.epochs}, step ${p.step}/${p.steps}, loss ${p.loss.toFixed(4)}, accuracy ${(100 * p.trainAccuracy).toFixed(1)} %, ETA ${clock(p.etaSeconds)}`;
  }
  const s = e.status;
  const hv = s.hypervolume === null ? '' : `, hypervolume ${s.hypervolume.toFixed(4)}`;
  const bests = objectives.map((o) => `${o} ${best(o, s.best[o])}`).join(', ');
  return `${s.algorithm}: generation ${s.generation}, evaluations ${s.evaluations}/${s.budget}${hv}; best ${bests}; elapsed ${clock(s.elapsedS)}, ETA ${clock(s.etaS)}`;
}

/** The feasible non-dominated designs of the journal so far, as front.json will hold them (network sizes added). */
export function liveFront(config: RunConfig, space: Space, journal: readonly JournalRecord[]): FrontDesign[] {
  const evaluated = journal.map((r) => makeEvaluated(config.problem, r.id, r.generation, r.genome, r.metrics));
  return frontOf(evaluated).map((e) => {
    const candidate = space.decode(e.genome);
    const network = summarizeNetwork(resolveNetwork(toNetworkSpec(space, candidate), `${space.name} candidate`).layers);
    return { id: e.id, generation: e.generation, candidate, genome: e.genome, metrics: e.metrics, testAccuracy: null, network };
  });
}

/** Draws the plots and the front table into their boxes (the report's HTML: every text escaped there); `chosen` is highlighted. */
export function drawDesigns(plots: HTMLElement, table: HTMLElement, config: RunConfig, journal: readonly JournalRecord[], front: readonly FrontDesign[], chosen?: number): void {
  plots.innerHTML = designPlotsHtml({ config, journal, front });
  drawFront(table, front, chosen);
}

export function drawFront(table: HTMLElement, front: readonly FrontDesign[], chosen?: number): void {
  table.innerHTML = `<h3>Pareto front (${front.length} design${front.length === 1 ? '' : 's'}; click a row for its per-layer hardware)</h3>${frontTableHtml({ front }, chosen)}`;
}

/** The report's per-layer breakdown of a design, under its heading. */
export function drawBreakdown(box: HTMLElement, b: DesignBreakdown): void {
  box.innerHTML = `<h3>Per-layer hardware of design #${b.designId}</h3>${breakdownHtml(b)}`;
}
