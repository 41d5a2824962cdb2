// The search report page from a hand-made run: the hypervolume series of a 2-objective example worked
// by hand, one <circle> per plotted candidate, one table row per front design, escaping, ticks, the
// per-layer breakdown (the real simulator on LeNet) and the retrain table from given numbers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator, zooLayers, arch } from '../helpers.ts';
import { buildReportHtml, prioritySection, type ReportInput } from '../../src/report/html-report.ts';
import { hypervolumeSeries, isFeasible, type FrontDesign, type JournalRecord, type RunConfig } from '../../src/report/run-data.ts';
import { escapeHtml, linearTicks, logTicks, stepPath } from '../../src/report/svg-plot.ts';
import { toPublicJson } from '../../src/report/hw-json.ts';
import type { Candidate } from '../../src/space/types.ts';

const EVIL = '<script>alert("x&y")</script>';

// Objectives accuracy (max) and area (min), constraint power <= 2 W; normalization: ideal (0, 0),
// nadir (1, 100), reference (1.1, 1.1). F' = (1 - accuracy, area / 100).
const config: RunConfig = {
  problem: {
    decisions: [{ id: 'stem.kernel', kind: 'nn', size: 3 }, { id: 'hw.adc.bits', kind: 'hw', size: 4 }],
    objectives: ['accuracy', 'area'],
    constraints: [{ metric: 'power', max: 2 }],
  },
  algorithm: 'esapp', seed: 7, budget: 8, settings: { populationSize: 4 },
  hypervolume: { ref: [1.1, 1.1], ideal: [0, 0], nadir: [1, 100] },
};

function record(id: number, accuracy: number, area: number, extra: Record<string, number> = {}): JournalRecord {
  const metrics = { accuracy, area, area_mm2: area, edp: 1e-3 * (id + 1), edp_mJms: 1e-3 * (id + 1), latency: 0.1 * (id + 1), latency_ms: 0.1 * (id + 1), power: 1, power_W: 1, energy_uJ: 5, float: accuracy, quantized: accuracy, fits: 1, ...extra };
  return { id, generation: id < 4 ? 0 : 1, genome: [id % 3, id % 4], metrics };
}

const journal: JournalRecord[] = [
  record(0, 0.5, 50), //   F' (0.5, 0.5):  HV 0.6 * 0.6 = 0.36
  record(1, 0.8, 80), //   F' (0.2, 0.8):  + 0.9 * 0.3 strip -> 0.27 + 0.6 * 0.3 = 0.45
  record(2, 0.9, 1e9, { fits: 0, edp_mJms: 1e9, latency_ms: 1e9 }), // does not fit: 0.45, not plotted
  record(3, 0.4, 60), //   F' (0.6, 0.6): dominated by #0: 0.45
  record(4, 0.9, 20), //   F' (0.1, 0.2): dominates #0, #1: 1.0 * 0.9 = 0.9
  record(5, 0.95, 10, { power: 3, power_W: 3 }), // violates power <= 2: 0.9 (plotted hollow)
  record(6, 0.3, 5), //    F' (0.7, 0.05): 0.9 + (1.1 - 0.7) * (0.2 - 0.05) = 0.96
  record(7, 0.99, 200), // F' (0.01, 2.0): beyond the reference in area: 0.96
];
const HV = [0.36, 0.45, 0.45, 0.45, 0.9, 0.9, 0.96, 0.96];

function candidate(kernel: number, hardware: Record<string, number | string>): Candidate {
  const conv = { outChannels: 8, kernel, convGroups: 1, weightBits: 5, activationBits: 7 };
  return { space: 'mnist', seed: 1, stem: conv, stages: [{ blocks: 2, convs: [[{ ...conv, outChannels: 16 }], [{ ...conv, outChannels: 16, convGroups: 2 }]] }], head: { weightBits: 7, activationBits: 9 }, hardware };
}

const front: FrontDesign[] = [4, 6, 7].map((id) => ({
  id, generation: journal[id].generation, genome: journal[id].genome, metrics: journal[id].metrics,
  candidate: candidate(id === 4 ? 3 : 1, { 'xbar.size': 128, [id === 7 ? EVIL : 'adc.bits']: 6 }),
  testAccuracy: id === 4 ? 0.875 : null,
  network: { weightLayers: 4, params: 12345, macs: 1234567 },
}));

const base: ReportInput = { runDir: `runs/${EVIL}`, config, search: { space: EVIL, dataset: 'mnist', supernet: 'sn', split: 'validation', limit: 300 }, journal, front };

/** The <svg> element of one plot. */
function plot(html: string, name: string): string {
  const start = html.indexOf(`data-plot="${name}"`);
  assert.ok(start > 0, `plot ${name} present`);
  return html.slice(html.lastIndexOf('<svg', start), html.indexOf('</svg>', start));
}
const count = (text: string, needle: string) => text.split(needle).length - 1;

test('hypervolume series: the hand-worked 2-objective values, prefix by prefix', () => {
  const hv = hypervolumeSeries(config.problem, journal, config.hypervolume!);
  assert.is(hv.length, HV.length);
  hv.forEach((v, i) => assert.ok(Math.abs(v - HV[i]) < 1e-12, `after ${i + 1}: got ${v}, want ${HV[i]}`));
  assert.equal(journal.map((r) => isFeasible(config.problem, r.metrics)), [true, true, false, true, true, false, true, true]);
});

test('one <circle> per plotted candidate in each plot; the hypervolume plot has one per evaluation', () => {
  const html = buildReportHtml(base);
  for (const name of ['accuracy-edp', 'accuracy-area', 'accuracy-latency']) {
    const svg = plot(html, name);
    assert.is(count(svg, '<circle'), 7, `${name}: every candidate that fits the chip (not #2)`);
    assert.is(count(svg.slice(svg.indexOf('class="series front"')), '<circle'), 3, `${name}: the front designs last`);
    assert.is(count(svg, 'class="series hollow"'), 1, 'the constraint violator #5 drawn hollow');
    assert.ok(svg.includes('class="step"'), 'the front staircase');
  }
  assert.is(count(plot(html, 'hypervolume'), '<circle'), 8);
  assert.match(html, '0.9600 (ref [1.1,1.1]');
});

test('front table: one row per design, sorted by accuracy; test accuracy or —; network and hardware columns', () => {
  const html = buildReportHtml(base);
  const table = html.slice(html.indexOf('data-table="front"'), html.indexOf('</table>', html.indexOf('data-table="front"')));
  const rows = table.match(/<tr data-design="(\d+)"/g) ?? [];
  assert.equal(rows.map((r) => Number(/"(\d+)"/.exec(r)![1])), [7, 4, 6]);
  assert.match(table, '<td class="n">87.5</td>'); // #4 test accuracy
  assert.match(table, '<td class="n">—</td>');
  assert.match(table, '12,345');
  assert.match(table, '1,234,567');
  assert.match(table, '8 | 16 16'); // channels: stem | stage blocks
  assert.match(table, '1 | 1 2'); // groups
  assert.match(table, '5 | 5 5 | fc 7'); // weight bits
  assert.match(table, '<th class="n">xbar.size</th>');
});

test('escaping: a malicious space name, run dir and hardware key never reach the page as markup', () => {
  const html = buildReportHtml(base);
  assert.not.match(html, '<script');
  assert.match(html, escapeHtml(EVIL));
  assert.is(escapeHtml(EVIL), '&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;');
  assert.is(escapeHtml(`a'b`), 'a&#39;b');
});

test('run summary: nested settings (the predictor screen) and log-scale hypervolume objectives are spelled out', () => {
  const html = buildReportHtml({
    ...base,
    config: { ...base.config, settings: { populationSize: 4, screen: { kind: 'rnn-predictor', oversample: 8, predictor: { cell: 'gru' } } }, hypervolume: { ref: [1.1, 1.1], ideal: [0, 1], nadir: [1, 100], log: [false, true] } },
  });
  assert.not.match(html, '[object Object]');
  assert.match(html, 'populationSize 4, screen [kind rnn-predictor, oversample 8]');
  assert.match(html, 'log scale for area');
});

test('self-contained: no script, no link, no external URL but the SVG namespace', () => {
  const html = buildReportHtml(base);
  assert.ok(html.startsWith('<!doctype html>'));
  assert.not.match(html, /<link|<img|src=|url\(|@import/);
  const urls = html.match(/https?:\/\/[^"'\s)]+/g) ?? [];
  assert.ok(urls.every((u) => u === 'http://www.w3.org/2000/svg'), urls.join(' '));
});

test('ticks: decades on log axes (1-2-5 within one or two decades), 1-2-5 steps on linear axes', () => {
  assert.equal(logTicks(0.00026, 0.0069), [1e-4, 1e-3, 1e-2]);
  assert.equal(logTicks(16.4, 80), [10, 20, 50, 100]);
  assert.equal(logTicks(0.16, 0.45), [0.1, 0.2, 0.5]);
  assert.equal(logTicks(3, 3), [2, 5]);
  assert.equal(logTicks(0.05, 2000), [0.01, 0.1, 1, 10, 100, 1000, 10000]);
  assert.equal(linearTicks(33.7, 85.3), [20, 40, 60, 80, 100]);
  assert.equal(linearTicks(1, 8), [0, 2, 4, 6, 8]);
  assert.equal(linearTicks(0.36, 0.96), [0.2, 0.4, 0.6, 0.8, 1]); // 0.6 / 5 = 0.12 -> step 0.2
  assert.equal(linearTicks(5, 5), [4.7, 4.8, 4.9, 5, 5.1, 5.2, 5.3]);
  // the EDP axis of the example: 1e-3 .. 7e-3 (the candidates that fit) spans one decade: 1-2-5 ticks
  const svg = plot(buildReportHtml(base), 'accuracy-edp');
  for (const t of ['0.001', '0.002', '0.005', '0.01']) assert.match(svg, `>${t}</text>`);
});

test('staircase: the points non-dominated for (max y, min x), right then up', () => {
  const path = stepPath([{ x: 3, y: 5 }, { x: 1, y: 1 }, { x: 2, y: 4 }, { x: 2.5, y: 3 }]);
  assert.equal(path.map((p) => [p.x, p.y]), [[1, 1], [2, 1], [2, 4], [3, 4], [3, 5]]);
});

test('per-layer breakdown (LeNet on the simulator) and the retrain table from given numbers', async () => {
  const sim = await simulator();
  const s = toPublicJson(sim.simulate(zooLayers('lenet'), arch('gibbon-base'), { model: 'gibbon' }), 'lenet', 'gibbon-base');
  const html = buildReportHtml({
    ...base, breakdown: { designId: 6, simulation: s },
    retrain: { epochs: 2, limit: 300, kendallTau: 1 / 3, rows: [
      { id: 7, oneShot: 0.99, standalone: 0.9, float: 0.91, seconds: 12 },
      { id: 4, oneShot: 0.9, standalone: 0.95, float: 0.96, seconds: 11 },
      { id: 6, oneShot: 0.3, standalone: 0.5, float: 0.5, seconds: 10 },
    ] },
  });
  const b = html.slice(html.indexOf('data-table="breakdown"'), html.indexOf('</table>', html.indexOf('data-table="breakdown"')));
  assert.is(count(b, '<tr>'), s.layers.length + 1, 'one row per layer, then the total');
  assert.match(b, 'total (chip)');
  assert.match(html, 'Per-layer hardware breakdown of design #6');
  assert.match(html, '<tr data-design="6" class="chosen">');
  const r = html.slice(html.indexOf('data-table="retrain"'), html.indexOf('</table>', html.indexOf('data-table="retrain"')));
  assert.is(count(r, '<tr data-design='), 3);
  assert.match(r, '<td class="n">99.0</td><td class="n">90.0</td><td class="n">-9.0</td>');
  assert.match(r, '<td class="n">+5.0</td>');
  assert.match(html, 'Kendall&#39;s tau-b of one-shot vs stand-alone accuracy: 0.333');
});

test('ESAPP priorities: at most 10 generation columns (first and last kept), single-valued decisions left out, shading by the column maximum', () => {
  const history = Array.from({ length: 25 }, (_, g) => ({ generation: g, entropy: [1, 0.5, 0], intensity: [0.2, 1, 0], priority: [0.25, 0.75, 0] }));
  const html = prioritySection(['stem.kernel', 'hw.adc.bits', 'hw.fixed'], history);
  const gens = [...html.matchAll(/<th class="n">gen (\d+)<\/th>/g)].map((m) => Number(m[1]));
  // round(i * 24 / 9) for i = 0..9
  assert.equal(gens, [0, 3, 5, 8, 11, 13, 16, 19, 21, 24]);
  assert.not.ok(html.includes('hw.fixed'));
  // 75 % is the column maximum (alpha 0.6), 25 % a third of it (alpha 0.2)
  assert.is((html.match(/rgba\(31, 119, 180, 0\.600\)">75\.0</g) ?? []).length, 10);
  assert.is((html.match(/rgba\(31, 119, 180, 0\.200\)">25\.0</g) ?? []).length, 10);
  assert.ok(html.includes('<td class="n">0.50</td><td class="n">1.00</td>'), 'last generation entropy and intensity of hw.adc.bits');
  const page = buildReportHtml({ runDir: 'r', config, journal, front: [], priorities: history.slice(0, 3) });
  assert.ok(page.includes('<h2>ESAPP priorities</h2>') && page.includes('data-table="priorities"'));
  assert.not.ok(buildReportHtml({ runDir: 'r', config, journal, front: [] }).includes('ESAPP priorities'));
});

test.run();
