// The readable report of `gibbon simulate`: per-layer table, totals, component breakdown.
import type { PublicSimulation, PublicComponents } from './hw-json.ts';

function fmt(v: number, digits = 4): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(3);
  return v.toPrecision(digits).replace(/\.?0+$/, (m) => (m.includes('.') ? '' : m));
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const COMPONENT_LABELS: Array<[keyof PublicComponents, string]> = [
  ['xbar', 'crossbar'], ['dac', 'DAC'], ['adc', 'ADC'], ['buffer', 'buffer'], ['pooling', 'pooling'],
  ['adder', 'adder'], ['shift_reg', 'shift reg'], ['reg', 'register'], ['mux', 'mux/demux'],
  ['joint_module', 'joint module'], ['global_accumulator', 'global accumulator'],
];

export function formatSimulation(s: PublicSimulation): string {
  const out: string[] = [];
  out.push(`network ${s.network} | arch ${s.arch} | model ${s.model} | ${s.pipeline ? 'pipelined' : 'layer by layer'}`);
  out.push('');
  out.push(table(
    ['#', 'name', 'type', 'tiles', 'util', 'area mm2', 'power W', 'energy uJ', 'done us', 'pixel ns'],
    s.layers.map((l) => [String(l.index), l.name, l.type, String(l.tiles), l.type === 'conv' || l.type === 'fc' ? l.utilization.toFixed(3) : '-',
      fmt(l.area_mm2), fmt(l.power_W), fmt(l.energy_uJ), fmt(l.last_done_us), fmt(l.pixel_latency_ns)]),
  ));
  const t = s.totals;
  out.push('');
  out.push(`tiles ${t.tiles} (${t.pes} PEs, ${t.xbars} crossbars, utilization ${t.utilization.toFixed(3)})`);
  out.push(`area ${fmt(t.area_mm2)} mm2 | power ${fmt(t.power_W)} W (average ${fmt(t.avg_power_W)} W) | latency ${fmt(t.latency_ms)} ms`);
  out.push(`energy ${fmt(t.energy_uJ)} uJ | EDP ${fmt(t.edp_mJms)} mJ*ms | ${fmt(t.tops_per_W)} TOPS/W | ${fmt(t.gops)} GOP`);
  out.push('');
  const c = s.components;
  const sum = (x: PublicComponents) => Object.values(x).reduce((p, q) => p + q, 0);
  const ta = sum(c.area_mm2), tp = sum(c.power_W), te = sum(c.energy_uJ);
  const pct = (v: number, tot: number) => (tot > 0 ? `${(100 * v / tot).toFixed(1)}%` : '-');
  out.push(table(['component', '', '', 'area mm2', '%', 'power W', '%', 'energy uJ', '%'],
    COMPONENT_LABELS.filter(([k]) => c.area_mm2[k] || c.power_W[k] || c.energy_uJ[k]).map(([k, label]) => [label, '', '',
      fmt(c.area_mm2[k]), pct(c.area_mm2[k], ta), fmt(c.power_W[k]), pct(c.power_W[k], tp), fmt(c.energy_uJ[k]), pct(c.energy_uJ[k], te)])));
  if (!c.global_accumulator_in_totals && c.area_mm2.global_accumulator > 0) {
    out.push('(mnsim-2.0: the global accumulator is listed but, as in MNSIM, not counted in the totals)');
  }
  return out.join('\n');
}
