// The Gibbon paper's hardware design insights (gibbon.md §2.3, §7.3) measured on this simulator, side by
// side with the paper's figures: 2x2 against 3x3 kernels (EDP, area, energy, latency), 256x256 against
// 128x128 crossbars (energy), grouped against dense convs (ADC energy). Each is measured on VGG8, on
// ResNet18 and on seeded random `gibbon-cifar` candidates, under the `gibbon-base` and `mnsim-2022`
// presets and both models. A value is a relative change, twin / baseline - 1 (-0.84 for -84 %); per row
// the median and the quartiles over the networks. Prints a table, and as its last line one JSON object
// { rows: [{ preset, model, insight, net, n, median, q1, q3, paper }], extra_rows, seed, candidates }.
// docs/model.md §13 reads it. Asserts nothing. Run: npm run bench:insights [-- --candidates N --seed S]
// [--switches MASK]: a raw switch mask (assembly/layout.ts SW_*) instead of the two models, model "mask:N".
import { parseArgs } from 'node:util';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import { ARCH_PRESETS, applySets, type ArchPresetName } from '../src/hw/arch.ts';
import { resolveNetwork } from '../src/hw/network.ts';
import { ZOO } from '../src/hw/zoo.ts';
import { spacePreset } from '../src/space/presets.ts';
import { toNetworkSpec } from '../src/space/convert.ts';
import { sampleDistinct } from '../src/predictor/labels.ts';
import { isTilesError } from '../src/evaluate/gibbon-evaluator.ts';
import * as L from '../assembly/layout.ts';
import type { Candidate, CandidateConv } from '../src/space/types.ts';
import type { ArchConfig, LayerSpec, ModelName, NetworkSpec, ResolvedLayer, SimOptionsAdvanced, SimResult } from '../src/hw/types.ts';

const { values: flags } = parseArgs({ options: {
  candidates: { type: 'string', default: '300' }, seed: { type: 'string', default: '17' }, switches: { type: 'string' },
} });
const CANDIDATES = Number(flags.candidates), SEED = Number(flags.seed);
/** Bad flags: one line, no stack trace. */
function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
if (!Number.isInteger(CANDIDATES) || CANDIDATES < 1) fail(`bench:insights: --candidates: got ${flags.candidates}; allowed: an integer >= 1`);
if (!Number.isInteger(SEED) || SEED < 0) fail(`bench:insights: --seed: got ${flags.seed}; allowed: an integer >= 0`);
if (flags.switches !== undefined && (!/^\d+$/.test(flags.switches) || Number(flags.switches) > L.SW_ALL)) {
  fail(`bench:insights: --switches: got ${flags.switches}; allowed: a switch mask, an integer 0..${L.SW_ALL} (assembly/layout.ts SW_*)`);
}

const PRESETS: readonly ArchPresetName[] = ['gibbon-base', 'mnsim-2022'];
/** A model, or a raw switch mask (SimOptionsAdvanced.switches). */
type Model = ModelName | `mask:${number}`;
const MODELS: readonly Model[] = flags.switches === undefined ? ['gibbon', 'mnsim-2.0'] : [`mask:${Number(flags.switches)}`];
const simOptions = (model: Model): SimOptionsAdvanced => (model.startsWith('mask:') ? { switches: Number(model.slice(5)) } : { model: model as ModelName });
/** Conv groups of the grouped twins of the zoo networks (every conv whose channels it divides). */
const ZOO_GROUPS = 4;

type Insight = 'edp_k2_vs_k3' | 'area_k2_vs_k3' | 'energy_xbar256_vs_128' | 'adc_energy_groups_vs_dense';
type Extra = 'energy_k2_vs_k3' | 'latency_k2_vs_k3';
/** The paper's figures (gibbon.md §2.3, §7.3: Insights 1 and 6); groups: no figure, only "less ADC energy". */
const PAPER: Record<Insight | Extra, number | null> = {
  edp_k2_vs_k3: -0.84, area_k2_vs_k3: -0.35, energy_xbar256_vs_128: -0.68, adc_energy_groups_vs_dense: null,
  energy_k2_vs_k3: null, latency_k2_vs_k3: null,
};

// ===== Twins =====

/** A network whose every 3x3 same-size conv (padding 1) becomes 2x2, padded bottom/right (same output size). */
function kernelTwin(net: NetworkSpec, kernel: 2 | 3): NetworkSpec {
  if (kernel === 3) return net;
  return {
    name: `${net.name}-k2`,
    layers: net.layers.map((l): LayerSpec => (l.type === 'conv' && l.kernel === 3 && l.padding === 1
      ? { ...l, kernel: 2, padding: [0, 0, 1, 1] } : l)),
  };
}

/** Every conv whose channel counts ZOO_GROUPS divides, grouped. */
function groupedTwin(net: NetworkSpec): NetworkSpec {
  return {
    name: `${net.name}-g${ZOO_GROUPS}`,
    layers: net.layers.map((l): LayerSpec => (l.type === 'conv' && l.inChannels! % ZOO_GROUPS === 0 && l.outChannels! % ZOO_GROUPS === 0
      ? { ...l, convGroups: ZOO_GROUPS } : l)),
  };
}

const space = spacePreset('gibbon-cifar');

function mapConvs(c: Candidate, f: (conv: CandidateConv) => CandidateConv): Candidate {
  return space.repair({ ...c, stem: f(c.stem), stages: c.stages.map((s) => ({ ...s, convs: s.convs.map((b) => b.map(f)) })) });
}
const layersOf = (net: NetworkSpec): ResolvedLayer[] => resolveNetwork(net, `network ${net.name}`).layers;
const candidateLayers = (c: Candidate): ResolvedLayer[] => layersOf(toNetworkSpec(space, c));

/** One network's twins for every insight, as layer lists. */
interface Subject {
  k3: ResolvedLayer[];
  k2: ResolvedLayer[];
  /** The network as it is (crossbar twins) and its grouped/dense pair (undefined: it has no grouped conv). */
  plain: ResolvedLayer[];
  grouped?: ResolvedLayer[];
  dense?: ResolvedLayer[];
}

function zooSubject(name: 'vgg8' | 'resnet18'): Subject {
  const net = ZOO[name];
  return { k3: layersOf(net), k2: layersOf(kernelTwin(net, 2)), plain: layersOf(net), grouped: layersOf(groupedTwin(net)), dense: layersOf(net) };
}

function candidateSubject(c: Candidate): Subject {
  const hasGroups = [c.stem, ...c.stages.flatMap((s) => s.convs.flat())].some((conv) => conv.convGroups > 1);
  return {
    k3: candidateLayers(mapConvs(c, (conv) => ({ ...conv, kernel: 3 }))),
    k2: candidateLayers(mapConvs(c, (conv) => ({ ...conv, kernel: 2 }))),
    plain: candidateLayers(c),
    ...(hasGroups ? { grouped: candidateLayers(c), dense: candidateLayers(mapConvs(c, (conv) => ({ ...conv, convGroups: 1 }))) } : {}),
  };
}

// ===== Measuring =====

const sim = await loadSimulatorNode();

/** The simulation, or undefined when the network does not fit the chip. */
function run(layers: ResolvedLayer[], arch: ArchConfig, model: Model): SimResult | undefined {
  try {
    return sim.simulate(layers, arch, simOptions(model));
  } catch (error) {
    if (isTilesError(error)) return undefined;
    throw error;
  }
}

type Values = Record<Insight | Extra, number[]>;
const emptyValues = (): Values => ({
  edp_k2_vs_k3: [], area_k2_vs_k3: [], energy_xbar256_vs_128: [], adc_energy_groups_vs_dense: [], energy_k2_vs_k3: [], latency_k2_vs_k3: [],
});
const rel = (twin: number, base: number): number => twin / base - 1;

function measure(s: Subject, preset: ArchPresetName, model: Model, into: Values): void {
  const arch = ARCH_PRESETS[preset];
  const k3 = run(s.k3, arch, model), k2 = run(s.k2, arch, model);
  if (k3 && k2) {
    const edp = (r: SimResult): number => r.totals.energyNj * r.totals.latencyNs;
    into.edp_k2_vs_k3.push(rel(edp(k2), edp(k3)));
    into.area_k2_vs_k3.push(rel(k2.totals.areaUm2, k3.totals.areaUm2));
    into.energy_k2_vs_k3.push(rel(k2.totals.energyNj, k3.totals.energyNj));
    into.latency_k2_vs_k3.push(rel(k2.totals.latencyNs, k3.totals.latencyNs));
  }
  const x256 = run(s.plain, applySets(arch, ['xbar.size=256']), model), x128 = run(s.plain, applySets(arch, ['xbar.size=128']), model);
  if (x256 && x128) into.energy_xbar256_vs_128.push(rel(x256.totals.energyNj, x128.totals.energyNj));
  if (s.grouped && s.dense) {
    const g = run(s.grouped, arch, model), d = run(s.dense, arch, model);
    if (g && d) {
      into.adc_energy_groups_vs_dense.push(rel(g.energyNjByComponent.adc, d.energyNjByComponent.adc));
      // Grouped convs mapped exactly as their dense twin: the dense fallback (docs/model.md §3).
      g.layers.forEach((l, i) => {
        if (s.grouped![i].convGroups === 1) return;
        const e = d.layers[i];
        const fellBack = l.rowTiles === e.rowTiles && l.colTiles === e.colTiles && l.rowsUsed === e.rowsUsed && l.colsUsed === e.colsUsed;
        diag.groupedConvs++;
        if (fellBack) diag.denseFallbacks++;
      });
    }
  }
  if (k3 && k2) diag.worstLatencyK2OverK3 = Math.max(diag.worstLatencyK2OverK3, k2.totals.latencyNs / k3.totals.latencyNs);
}

/** Per (preset, model, net): grouped convs seen, those placed dense, the largest 2x2 / 3x3 latency ratio. */
let diag = { groupedConvs: 0, denseFallbacks: 0, worstLatencyK2OverK3: 0 };

/** Quantile with linear interpolation between order statistics (R type 7). */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * q, lo = Math.floor(h), hi = Math.ceil(h);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

// ===== Main =====

const candidates = sampleDistinct(space, CANDIDATES, SEED, 'bench-insights');
const subjects: Array<{ net: string; subjects: Subject[] }> = [
  { net: 'vgg8', subjects: [zooSubject('vgg8')] },
  { net: 'resnet18', subjects: [zooSubject('resnet18')] },
  { net: 'gibbon-cifar', subjects: candidates.map(candidateSubject) },
];

interface Row { preset: ArchPresetName; model: Model; insight: Insight | Extra; net: string; n: number; median: number; q1: number; q3: number; paper: number | null }
const rows: Row[] = [];
const diagnostics: Array<{ preset: ArchPresetName; model: Model; net: string } & typeof diag> = [];
const t0 = performance.now();
for (const preset of PRESETS) for (const model of MODELS) for (const { net, subjects: list } of subjects) {
  const values = emptyValues();
  diag = { groupedConvs: 0, denseFallbacks: 0, worstLatencyK2OverK3: 0 };
  for (const s of list) measure(s, preset, model, values);
  diagnostics.push({ preset, model, net, ...diag, worstLatencyK2OverK3: +diag.worstLatencyK2OverK3.toFixed(3) });
  for (const insight of Object.keys(values) as (Insight | Extra)[]) {
    const v = values[insight];
    if (v.length === 0) continue;
    const r4 = (x: number): number => +x.toFixed(4);
    rows.push({ preset, model, insight, net, n: v.length, median: r4(quantile(v, 0.5)), q1: r4(quantile(v, 0.25)), q3: r4(quantile(v, 0.75)), paper: PAPER[insight] });
  }
}
const seconds = (performance.now() - t0) / 1000;

// ===== Report =====

const pct = (x: number | null): string => (x === null ? '—' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`);
console.log(`\nGibbon's hardware insights on this simulator: ${candidates.length} gibbon-cifar candidates (seed ${SEED}), VGG8, ResNet18; ` +
  `relative change of the twin (2x2, 256x256, grouped) against its baseline (3x3, 128x128, dense); ${seconds.toFixed(1)} s\n`);
console.log(`${'preset'.padEnd(13)}${'model'.padEnd(11)}${'insight'.padEnd(28)}${'net'.padEnd(14)}${'n'.padStart(5)}${'median'.padStart(10)}` +
  `${'q1'.padStart(10)}${'q3'.padStart(10)}${'paper'.padStart(9)}`);
for (const r of rows) {
  console.log(`${r.preset.padEnd(13)}${r.model.padEnd(11)}${r.insight.padEnd(28)}${r.net.padEnd(14)}${String(r.n).padStart(5)}` +
    `${pct(r.median).padStart(10)}${pct(r.q1).padStart(10)}${pct(r.q3).padStart(10)}${pct(r.paper).padStart(9)}`);
}
console.log(`\ngrouped convs placed dense (of all grouped convs) and the largest 2x2 / 3x3 latency ratio:`);
for (const d of diagnostics) {
  console.log(`${d.preset.padEnd(13)}${d.model.padEnd(11)}${d.net.padEnd(14)}${`${d.denseFallbacks} of ${d.groupedConvs}`.padStart(14)}` +
    `${d.worstLatencyK2OverK3.toFixed(2).padStart(8)}x`);
}
const MAIN = new Set<string>(['edp_k2_vs_k3', 'area_k2_vs_k3', 'energy_xbar256_vs_128', 'adc_energy_groups_vs_dense']);
console.log(JSON.stringify({
  seed: SEED, candidates: candidates.length, zoo_groups: ZOO_GROUPS,
  rows: rows.filter((r) => MAIN.has(r.insight)),
  extra_rows: rows.filter((r) => !MAIN.has(r.insight)),
  diagnostics,
}));
