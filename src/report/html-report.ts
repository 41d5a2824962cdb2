// The search report (docs/report.md): ONE self-contained HTML page (inline CSS and SVG, no script, no
// external resource) built from the plain data of a run directory. Web-standard and pure: data in, string
// out. Every text is escaped.
import { escapeHtml, formatNumber, renderPlot, type PlotPoint, type PlotSeries } from './svg-plot.ts';
import {
  hypervolumeSeries, isFeasible,
  type DesignBreakdown, type FrontDesign, type JournalRecord, type RetrainReport, type RunConfig, type RunSummary, type SearchInfo,
} from './run-data.ts';
import type { PublicSimulation } from './hw-json.ts';
import type { PriorityRecord } from '../search/algorithms/esapp.ts';
import type { Metrics } from '../search/problem.ts';
import type { Candidate, CandidateConv } from '../space/types.ts';

export interface ReportInput {
  /** Shown in the header (the run directory). */
  runDir: string;
  config: RunConfig;
  search?: SearchInfo;
  summary?: RunSummary;
  journal: readonly JournalRecord[];
  front: readonly FrontDesign[];
  breakdown?: DesignBreakdown;
  retrain?: RetrainReport;
  /** ESAPP's priority table after every generation (checkpoint.json). */
  priorities?: readonly PriorityRecord[];
  /** ISO time shown in the footer (omitted when absent, so the page is reproducible). */
  generatedAt?: string;
}

/** A cost metric of the plots and tables: its name in metrics (unit-suffixed first) and its label. */
interface CostAxis { plot: string; keys: [string, string]; title: string; label: string }

const COST_PLOTS: readonly CostAxis[] = [
  { plot: 'accuracy-edp', keys: ['edp_mJms', 'edp'], title: 'Accuracy vs energy-delay product', label: 'EDP (mJ·ms, log scale)' },
  { plot: 'accuracy-area', keys: ['area_mm2', 'area'], title: 'Accuracy vs chip area', label: 'area (mm², log scale)' },
  { plot: 'accuracy-latency', keys: ['latency_ms', 'latency'], title: 'Accuracy vs latency', label: 'latency (ms, log scale)' },
];

/** A metric by its unit-suffixed name, else its short name; NaN when absent. */
function metric(m: Metrics, keys: readonly string[]): number {
  for (const k of keys) { const v = m[k]; if (typeof v === 'number') return v; }
  return NaN;
}

const pct = (v: number | null | undefined, digits = 1) => (typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(digits)}` : '—');
const num = (v: number | null | undefined, digits = 3) => (typeof v === 'number' && Number.isFinite(v) ? formatNumber(v, digits) : '—');
const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');
const esc = (s: string | number) => escapeHtml(String(s));

/** The report's style sheet (the app uses it too, so its views look the same). */
export const REPORT_STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1500px; margin: 0 auto; padding: 20px 28px 40px; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub { color: #666; margin: 0 0 14px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
.note { color: #555; font-size: 12.5px; margin: 6px 0; }
dl.summary { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 3px 14px; margin: 0; background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 10px 14px; }
dl.summary dt { color: #666; }
dl.summary dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
.plots figure { margin: 0; background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 6px; }
.plots svg { width: 100%; height: auto; display: block; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #333; }
svg .plot-title { font-size: 13px; font-weight: 600; }
svg .tick { font-size: 10.5px; fill: #555; }
svg .axis-label { font-size: 11.5px; }
svg .legend-text { font-size: 10.5px; }
svg .grid { stroke: #eee; stroke-width: 1; }
svg .frame { fill: none; stroke: #999; stroke-width: 1; }
svg .cloud circle, svg .cloud .legend-dot { fill: #b5b5b5; fill-opacity: 0.8; }
svg .hollow circle, svg .hollow .legend-dot { fill: none; stroke: #999; stroke-width: 1.2; }
svg .front circle, svg .front .legend-dot { fill: #d9480f; stroke: #fff; stroke-width: 1; }
svg .line circle, svg .line .legend-dot { fill: #1971c2; }
svg polyline.line { fill: none; stroke: #1971c2; stroke-width: 1.8; }
svg polyline.step { fill: none; stroke: #d9480f; stroke-width: 1.4; stroke-dasharray: 4 3; }
.table-wrap { overflow-x: auto; background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; }
.table-wrap.narrow { display: inline-block; max-width: 100%; }
table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
th, td { padding: 4px 8px; border-bottom: 1px solid #eee; white-space: nowrap; }
th { background: #f3f3f3; text-align: left; font-weight: 600; position: sticky; top: 0; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11.5px; }
tbody tr:nth-child(even) { background: #fbfbfb; }
tr.chosen { background: #fff4e6 !important; }
tr.total td { font-weight: 600; border-top: 2px solid #ccc; }
.bar { display: inline-block; height: 8px; background: #f08c00; border-radius: 2px; vertical-align: middle; margin-left: 6px; }
.bar.energy { background: #1971c2; }
footer { margin-top: 30px; color: #888; font-size: 12px; }
`;

// ===== Summary =====

/** The front's best test accuracy, its design and the images it was measured on. */
function bestTestText(input: ReportInput): string {
  const measured = input.front.filter((d) => d.testAccuracy !== null);
  if (measured.length === 0) return '— (not measured: gibbon search --no-test-accuracy)';
  const best = measured.reduce((a, d) => (d.testAccuracy! > a.testAccuracy! ? d : a));
  const images = input.summary?.testImages;
  return `${pct(best.testAccuracy, 2)} % (design ${best.id}${images ? ` on ${images} test images` : ''}; its validation accuracy ${pct(best.metrics.accuracy, 2)} %)`;
}

function summarySection(input: ReportInput, hvFinal: number | null): string {
  const { config, search, summary } = input;
  const p = config.problem;
  const constraints = p.constraints.length === 0 ? 'none' : p.constraints.map((c) => (c.min !== undefined ? `${c.metric} ≥ ${c.min}` : `${c.metric} ≤ ${c.max}`)).join(', ');
  const feasible = input.journal.filter((r) => isFeasible(p, r.metrics)).length;
  const hvSpec = config.hypervolume;
  const rows: Array<[string, string]> = [
    ['space', search?.space ?? input.front[0]?.candidate.space ?? '—'],
    ['dataset', search ? `${search.dataset} (accuracy on ${search.limit} ${search.split} images per evaluation)` : '—'],
    ['algorithm', `${config.algorithm}${config.settings ? ` (${settingsText(config.settings)})` : ''}`],
    ['seed', String(config.seed)],
    ['objectives', p.objectives.map((o) => (o === 'accuracy' ? 'max accuracy' : `min ${o}`)).join(', ')],
    ['constraints', constraints],
    ['evaluations', `${input.journal.length} of a budget of ${config.budget}${summary ? ` in ${summary.generations} generations` : ''}`],
    ['feasible', `${feasible} (fit the chip and meet the constraints)`],
    ['front', `${input.front.length} design(s)`],
    ['best test accuracy', bestTestText(input)],
    ['hypervolume', hvFinal === null ? '— (defined for 2 or 3 objectives)' : `${hvFinal.toFixed(4)} (ref ${JSON.stringify(hvSpec?.ref)}, ideal ${JSON.stringify(hvSpec?.ideal ?? null)}, nadir ${JSON.stringify(hvSpec?.nadir ?? null)}${hvSpec?.log?.some((x) => x) ? `, log scale for ${hvSpec.log.flatMap((x, i) => (x ? [config.problem.objectives[i]] : [])).join(', ')}` : ''})`],
    ['supernet', search?.supernet ?? '—'],
    ['decisions', `${p.decisions.length} (${p.decisions.filter((d) => d.kind === 'nn').length} network, ${p.decisions.filter((d) => d.kind === 'hw').length} hardware)`],
  ];
  return `<dl class="summary">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

// ===== Plots =====

function tooltip(r: JournalRecord, cost: CostAxis | undefined): string {
  const acc = `accuracy ${pct(r.metrics.accuracy)} %`;
  return cost ? `#${r.id} (gen ${r.generation}): ${acc}, ${cost.label.replace(/, log scale/, '')} ${num(metric(r.metrics, cost.keys))}` : `#${r.id}: ${acc}`;
}

/** What the design plots and the front table are drawn from (the app redraws them while a search runs). */
export type DesignsInput = Pick<ReportInput, 'config' | 'journal' | 'front'>;

function costPlot(input: DesignsInput, axis: CostAxis): string {
  const p = input.config.problem;
  const frontIds = new Set(input.front.map((d) => d.id));
  const fits = input.journal.filter((r) => r.metrics.fits !== 0);
  const point = (r: JournalRecord): PlotPoint => ({ x: metric(r.metrics, axis.keys), y: 100 * r.metrics.accuracy, title: tooltip(r, axis) });
  const cloud = fits.filter((r) => !frontIds.has(r.id) && isFeasible(p, r.metrics)).map(point);
  const violating = fits.filter((r) => !frontIds.has(r.id) && !isFeasible(p, r.metrics)).map(point);
  const frontPts = fits.filter((r) => frontIds.has(r.id)).map(point);
  const series: PlotSeries[] = [{ label: 'evaluated', style: 'cloud', points: cloud }];
  if (violating.length > 0) series.push({ label: 'violates a constraint', style: 'hollow', points: violating });
  series.push({ label: 'Pareto front', style: 'front', points: frontPts });
  return renderPlot({
    name: axis.plot, title: axis.title,
    x: { label: axis.label, log: true },
    y: { label: 'validation accuracy on PIM (%)' },
    series, step: { points: frontPts, direction: 'maxY-minX' },
  });
}

function hypervolumePlot(series: readonly number[]): string {
  return renderPlot({
    name: 'hypervolume', title: 'Hypervolume of the feasible designs so far',
    x: { label: 'evaluations', format: (v) => String(v) },
    y: { label: 'hypervolume (normalized objectives)' },
    series: [{ label: 'hypervolume', style: 'line', points: series.map((v, i) => ({ x: i + 1, y: v, title: `after ${i + 1} evaluation(s): ${v.toFixed(4)}` })) }],
  });
}

// ===== Front table =====

/** One value per stage separated by `|`, per block by a space, per conv of a block by `+`; stem first. */
function perLayer(c: Candidate, pick: (conv: CandidateConv) => number | string, head?: number | string): string {
  const stages = c.stages.map((s) => s.convs.map((block) => block.map(pick).join('+')).join(' '));
  return [String(pick(c.stem)), ...stages, ...(head === undefined ? [] : [`fc ${head}`])].join(' | ');
}

function hardwareKeys(front: readonly FrontDesign[]): string[] {
  const keys: string[] = [];
  for (const d of front) for (const k of Object.keys(d.candidate.hardware)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

/** The report's Pareto front table (sorted by validation accuracy); `chosen` is the highlighted design. */
export function frontTableHtml(input: Pick<ReportInput, 'front'>, chosen?: number): string {
  const designs = [...input.front].sort((a, b) => b.metrics.accuracy - a.metrics.accuracy || a.id - b.id);
  const hw = hardwareKeys(designs);
  const head = [
    ['id', ''], ['gen', 'n'],
    ['val. acc. (%)', 'n'], ['test acc. (%)', 'n'], ['float (%)', 'n'], ['quantized (%)', 'n'],
    ['energy (µJ)', 'n'], ['latency (ms)', 'n'], ['area (mm²)', 'n'], ['EDP (mJ·ms)', 'n'], ['power (W)', 'n'],
    ...hw.map((k) => [k, 'n']),
    ['weight layers', 'n'], ['weights', 'n'], ['MACs', 'n'],
    ['channels (stem | stages)', ''], ['kernels', ''], ['groups', ''], ['weight bits', ''], ['activation bits', ''],
  ];
  const rows = designs.map((d) => {
    const c = d.candidate, m = d.metrics, net = d.network;
    const cells: Array<[string, string]> = [
      [`#${d.id}`, ''], [String(d.generation), 'n'],
      [pct(m.accuracy), 'n'], [pct(d.testAccuracy), 'n'], [pct(m.float), 'n'], [pct(m.quantized), 'n'],
      [num(metric(m, ['energy_uJ', 'energy'])), 'n'], [num(metric(m, ['latency_ms', 'latency'])), 'n'], [num(metric(m, ['area_mm2', 'area'])), 'n'],
      [num(metric(m, ['edp_mJms', 'edp'])), 'n'], [num(metric(m, ['power_W', 'power'])), 'n'],
      ...hw.map((k): [string, string] => [c.hardware[k] === undefined ? '—' : String(c.hardware[k]), 'n']),
      [net ? String(net.weightLayers) : '—', 'n'], [net ? int(net.params) : '—', 'n'], [net ? int(net.macs) : '—', 'n'],
      [perLayer(c, (v) => v.outChannels), 'mono'], [perLayer(c, (v) => v.kernel), 'mono'], [perLayer(c, (v) => v.convGroups), 'mono'],
      [perLayer(c, (v) => v.weightBits, c.head.weightBits), 'mono'], [perLayer(c, (v) => v.activationBits, c.head.activationBits), 'mono'],
    ];
    return `<tr data-design="${d.id}"${d.id === chosen ? ' class="chosen"' : ''}>${cells.map(([v, cls]) => `<td${cls ? ` class="${cls}"` : ''}>${esc(v)}</td>`).join('')}</tr>`;
  });
  return `<div class="table-wrap"><table data-table="front"><thead><tr>${head.map(([h, cls]) => `<th${cls ? ` class="${cls}"` : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

// ===== Per-layer breakdown =====

/** The per-layer table of one simulation (`gibbon simulate --json` names and units), with the chip total. */
export function layerTableHtml(s: PublicSimulation): string {
  const t = s.totals;
  const areaSum = s.layers.reduce((a, l) => a + l.area_mm2, 0), energySum = s.layers.reduce((a, l) => a + l.energy_uJ, 0);
  const bar = (v: number, total: number, cls: string) => (total > 0 ? `<span class="bar ${cls}" style="width:${(60 * v / total).toFixed(1)}px"></span>` : '');
  const share = (v: number, total: number) => (total > 0 ? `${(100 * v / total).toFixed(1)}` : '—');
  const head = ['#', 'layer', 'type', 'tiles', 'crossbars', 'utilization', 'area (mm²)', 'area share (%)', 'energy (µJ)', 'energy share (%)', 'power (W)', 'start (µs)', 'done (µs)', 'busy (µs)'];
  const numeric = new Set([0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  const rows = s.layers.map((l) => {
    const weighted = l.type === 'conv' || l.type === 'fc';
    const cells = [
      esc(l.index), esc(l.name), esc(l.type), esc(l.tiles), esc(l.xbars), weighted ? esc(l.utilization.toFixed(3)) : '—',
      esc(num(l.area_mm2, 4)), `${esc(share(l.area_mm2, areaSum))}${bar(l.area_mm2, areaSum, 'area')}`,
      esc(num(l.energy_uJ, 4)), `${esc(share(l.energy_uJ, energySum))}${bar(l.energy_uJ, energySum, 'energy')}`,
      esc(num(l.power_W, 4)), esc(num(l.begin_us, 4)), esc(num(l.last_done_us, 4)), esc(num(l.last_done_us - l.begin_us, 4)),
    ];
    return `<tr>${cells.map((c, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  const total = ['', 'total (chip)', '', esc(t.tiles), esc(t.xbars), esc(t.utilization.toFixed(3)), esc(num(t.area_mm2, 4)), '', esc(num(t.energy_uJ, 4)), '', esc(num(t.power_W, 4)), '', esc(num(1000 * t.latency_ms, 4)), ''];
  rows.push(`<tr class="total">${total.map((c, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`);
  return `<div class="table-wrap"><table data-table="breakdown"><thead><tr>${head.map((h, i) => `<th${numeric.has(i) ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** The chip totals of one simulation in a sentence. */
export function chipTotalsText(s: PublicSimulation): string {
  const t = s.totals;
  return `Chip: area ${num(t.area_mm2, 4)} mm², energy ${num(t.energy_uJ, 4)} µJ, latency ${num(t.latency_ms, 4)} ms, EDP ${num(t.edp_mJms, 4)} mJ·ms, power ${num(t.power_W, 4)} W, ${num(t.tops_per_W, 4)} TOPS/W.`;
}

/** The report's per-layer breakdown of one design: notes, chip totals, the per-layer table. */
export function breakdownHtml(b: DesignBreakdown): string {
  const s = b.simulation;
  const notes = [
    `Design #${b.designId} on its own architecture, hardware model ${s.model}, ${s.pipeline ? 'inter-layer pipeline' : 'layer by layer'}.`,
    chipTotalsText(s),
    'Start and done are the times (µs) at which a layer begins and finishes its last output pixel; with the pipeline, layers overlap and the chip latency is the last done time. ' +
      'Shares are of the sum over layers (the chip total also counts the global accumulator and interconnect the layers do not).',
  ];
  return `${notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}${layerTableHtml(s)}`;
}

// ===== Retrain =====

/** A difference of fractions in percentage points, signed: +8.3, -1.0. */
const signedPoints = (d: number) => (Number.isFinite(d) ? `${d > 0 ? '+' : ''}${(100 * d).toFixed(1)}` : '—');

function retrainSection(r: RetrainReport): string {
  const head = ['design', 'one-shot val. acc. (%)', 'stand-alone val. acc. (%)', 'difference (points)', 'stand-alone float (%)', 'training (s)'];
  const rows = r.rows.map((x) => {
    const cells = [`#${x.id}`, pct(x.oneShot), pct(x.standalone), signedPoints(x.standalone - x.oneShot), pct(x.float), num(x.seconds, 3)];
    return `<tr data-design="${x.id}">${cells.map((c, i) => `<td${i > 0 ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`;
  });
  const tau = Number.isFinite(r.kendallTau) ? r.kendallTau.toFixed(3) : '— (fewer than 2 designs, or all ties)';
  const note = `The ${r.rows.length} front design(s) with the best validation accuracy, each trained alone from scratch for ${r.epochs} epoch(s) with the supernet's recipe, ` +
    `then measured like the search measures (PIM accuracy on the first ${r.limit} validation images). Kendall's tau-b of one-shot vs stand-alone accuracy: ${tau}.`;
  return `<p class="note">${esc(note)}</p><div class="table-wrap narrow"><table data-table="retrain"><thead><tr>${head.map((h, i) => `<th${i > 0 ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

// ===== Page =====

/** The three accuracy-cost plots, then the hypervolume after each evaluation (2 or 3 objectives), and that series. */
function designPlots(input: DesignsInput): { hv: number[] | null; plots: string[] } {
  const p = input.config.problem;
  const hvSpec = input.config.hypervolume;
  const hvOn = hvSpec !== null && (p.objectives.length === 2 || p.objectives.length === 3) && hvSpec.ref.length === p.objectives.length;
  const hv = hvOn ? hypervolumeSeries(p, input.journal, hvSpec) : null;
  return { hv, plots: [...COST_PLOTS.map((a) => costPlot(input, a)), ...(hv === null ? [] : [hypervolumePlot(hv)])] };
}

const plotsHtml = (plots: readonly string[]) => `<div class="plots">${plots.map((s) => `<figure>${s}</figure>`).join('')}</div>`;

/** The report's plots of the designs (accuracy against each cost, the hypervolume), as one block. */
export function designPlotsHtml(input: DesignsInput): string {
  return plotsHtml(designPlots(input).plots);
}

/** The report page. */
export function buildReportHtml(input: ReportInput): string {
  const { hv, plots } = designPlots(input);
  const hvFinal = hv === null ? null : hv.length ? hv[hv.length - 1] : 0;
  const space = input.search?.space ?? input.front[0]?.candidate.space ?? 'run';
  const title = `Gibbon search report: ${space}, ${input.config.algorithm}, seed ${input.config.seed}`;
  const notFitting = input.journal.filter((r) => r.metrics.fits === 0).length;
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${REPORT_STYLE}</style></head><body><main>`);
  parts.push(`<h1>${esc(title)}</h1><p class="sub">${esc(input.runDir)}</p>`);
  parts.push(`<h2>Run</h2>${summarySection(input, hvFinal)}`);
  parts.push('<h2>Designs</h2>');
  parts.push(`<p class="note">${esc(`Every evaluated candidate that fits the chip (grey; hollow when it violates a constraint), the Pareto front designs highlighted and joined by the staircase of the designs that are non-dominated in each projection. Accuracy is on PIM, on the validation split. Hover a point for its id.${notFitting ? ` ${notFitting} candidate(s) do not fit the chip and are not plotted.` : ''}`)}</p>`);
  parts.push(plotsHtml(plots));
  const chosen = input.breakdown?.designId;
  parts.push(`<h2>Pareto front (${input.front.length} design${input.front.length === 1 ? '' : 's'})</h2>`);
  parts.push(`<p class="note">${esc('Sorted by validation accuracy. Per-layer columns list the stem, then each stage (blocks separated by spaces), then the fc layer for bits. Hardware columns are the candidate\'s hardware decisions. Accuracies are PIM accuracy except float (the sub-network in floating point) and quantized (integer inference with a lossless ADC); test accuracy is — when the search did not measure it.')}</p>`);
  parts.push(frontTableHtml(input, chosen));
  if (input.breakdown) {
    parts.push(`<h2>Per-layer hardware breakdown of design #${esc(input.breakdown.designId)}</h2>`);
    parts.push(breakdownHtml(input.breakdown));
  }
  if (input.retrain) {
    parts.push('<h2>One-shot vs stand-alone accuracy</h2>');
    parts.push(retrainSection(input.retrain));
  }
  if (input.priorities && input.priorities.length > 0) {
    parts.push('<h2>ESAPP priorities</h2>');
    parts.push(prioritySection(input.config.problem.decisions.map((d) => d.id), input.priorities));
  }
  parts.push(`<footer>${esc(`Gibbon-TS gibbon report${input.generatedAt ? `, ${input.generatedAt}` : ''}. Self-contained page: no scripts, no external resources.`)}</footer>`);
  parts.push('</main></body></html>\n');
  return parts.join('');
}

/** Generations shown as columns: all when few, else MAX evenly spaced ones (first and last included). */
const PRIORITY_COLUMNS = 10;

/**
 * The mutation priority of every decision after selected generations (shaded by its share of the column's
 * largest), then the last generation's entropy and normalized intensity (docs/search.md §4).
 */
export function prioritySection(decisions: readonly string[], history: readonly PriorityRecord[]): string {
  const n = history.length;
  const cols = n <= PRIORITY_COLUMNS ? history : Array.from({ length: PRIORITY_COLUMNS }, (_, i) => history[Math.round((i * (n - 1)) / (PRIORITY_COLUMNS - 1))]);
  const last = history[n - 1];
  const maxOf = cols.map((r) => Math.max(...r.priority, 1e-12));
  const head = `<tr><th>decision</th>${cols.map((r) => `<th class="n">gen ${esc(r.generation)}</th>`).join('')}<th class="n">entropy</th><th class="n">intensity</th></tr>`;
  const rows = decisions.map((id, d) => {
    if (last.priority[d] === 0 && cols.every((r) => r.priority[d] === 0)) return ''; // single-valued: never mutated
    const cells = cols.map((r, c) => {
      const share = r.priority[d] / maxOf[c];
      return `<td class="n" style="background: rgba(31, 119, 180, ${(0.6 * share).toFixed(3)})">${esc((100 * r.priority[d]).toFixed(1))}</td>`;
    }).join('');
    return `<tr><td>${esc(id)}</td>${cells}<td class="n">${esc(last.entropy[d].toFixed(2))}</td><td class="n">${esc(last.intensity[d].toFixed(2))}</td></tr>`;
  }).join('');
  const note = 'Probability (%) that a child mutates each decision, after the generations shown (the darker, the closer to the column\'s largest). ' +
    'Entropy (spread of the decision\'s values in the population) and intensity (mean objective change when it changed, normalized) are the two signals behind it, shown for the last generation.';
  return `<p class="note">${esc(note)}</p><div class="table-wrap"><table data-table="priorities"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

/** "k v, k v" for settings; nested objects (the predictor screen's) in brackets, one level deep. */
function settingsText(settings: Record<string, unknown>): string {
  return Object.entries(settings).map(([k, v]) => {
    if (v !== null && typeof v === 'object') {
      const inner = Object.entries(v as Record<string, unknown>).filter(([, x]) => x === null || typeof x !== 'object').map(([ik, x]) => `${ik} ${String(x)}`);
      return `${k} [${inner.join(', ')}]`;
    }
    return `${k} ${String(v)}`;
  }).join(', ');
}
