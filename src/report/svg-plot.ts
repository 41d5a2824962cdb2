// Small inline-SVG plots for the search report (docs/report.md): axes with nice ticks (linear, or decades
// for a log axis), a cloud of points, highlighted points, a step line or a polyline. Web-standard, no DOM:
// a plot is a string. Every plotted point is one <circle>, and the <svg> carries data-plot="<name>".

/** Text escaped for HTML/SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A number with up to `digits` significant digits, without trailing zeros or exponent noise. */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}

/** The 1-2-5 step nearest above `range / count`. */
function niceStep(range: number, count: number): number {
  const raw = range / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/**
 * Linear ticks: multiples of a 1-2-5 step covering [min, max] (about `count` intervals). A zero range
 * is widened to ±0.5 (or ±5 % of the value).
 */
export function linearTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) { const d = min === 0 ? 0.5 : Math.abs(min) * 0.05; min -= d; max += d; }
  const step = niceStep(max - min, count);
  const lo = Math.floor(min / step + 1e-9) * step, hi = Math.ceil(max / step - 1e-9) * step;
  const n = Math.round((hi - lo) / step);
  return Array.from({ length: n + 1 }, (_, i) => Number((lo + i * step).toPrecision(12)));
}

/**
 * Log ticks for positive [min, max]: the decades 10^k from below min to above max; when that gives fewer
 * than 3 ticks, the 2x and 5x multiples are added (still covering [min, max]).
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0)) throw new RangeError(`logTicks: got [${min}, ${max}]; allowed: positive bounds`);
  if (max < min) [min, max] = [max, min];
  const k0 = Math.floor(Math.log10(min) + 1e-9), k1 = Math.ceil(Math.log10(max) - 1e-9);
  const top = Math.max(k1, k0 + 1);
  const decades = Array.from({ length: top - k0 + 1 }, (_, i) => Number((10 ** (k0 + i)).toPrecision(12)));
  if (decades.length >= 3) return decades;
  const all: number[] = [];
  for (let k = k0; k <= top; k++) for (const m of [1, 2, 5]) all.push(Number((m * 10 ** k).toPrecision(12)));
  let first = 0;
  while (first + 1 < all.length && all[first + 1] <= min * (1 + 1e-9)) first++;
  const last = all.findIndex((t) => t >= max * (1 - 1e-9));
  return all.slice(first, last + 1);
}

export interface AxisSpec {
  /** Label with its unit, e.g. `EDP (mJ·ms, log)`. */
  label: string;
  log?: boolean;
  /** Tick label format (default formatNumber). */
  format?: (v: number) => string;
}

export interface PlotPoint {
  x: number;
  y: number;
  /** Tooltip text (an SVG <title>). */
  title?: string;
}

export type SeriesStyle = 'cloud' | 'hollow' | 'front' | 'line';

export interface PlotSeries {
  label: string;
  /** cloud: grey dots; hollow: grey rings; front: highlighted dots; line: a polyline with small dots. */
  style: SeriesStyle;
  points: readonly PlotPoint[];
}

export interface PlotSpec {
  /** The data-plot attribute. */
  name: string;
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  series: readonly PlotSeries[];
  /** A step line (the attainment staircase) through these points, drawn under the dots. */
  step?: { points: readonly PlotPoint[]; direction: 'maxY-minX' };
  width?: number;
  height?: number;
}

const MARGIN = { left: 62, right: 16, top: 30, bottom: 46 };

interface Scale { ticks: number[]; map: (v: number) => number }

function scale(values: number[], axis: AxisSpec, from: number, to: number): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!axis.log || v > 0));
  const lo = finite.length ? Math.min(...finite) : axis.log ? 1 : 0;
  const hi = finite.length ? Math.max(...finite) : axis.log ? 10 : 1;
  const ticks = axis.log ? logTicks(lo, hi) : linearTicks(lo, hi);
  const t0 = ticks[0], t1 = ticks[ticks.length - 1];
  const f = axis.log ? (v: number) => Math.log10(v) : (v: number) => v;
  const a = f(t0), b = f(t1);
  return { ticks, map: (v) => from + ((f(v) - a) / (b - a)) * (to - from) };
}

const fx = (v: number) => v.toFixed(1);

/** The staircase of the points non-dominated for (max y, min x), sorted by x: right, then up. */
export function stepPath(points: readonly PlotPoint[]): PlotPoint[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || b.y - a.y);
  const kept: PlotPoint[] = [];
  for (const p of sorted) if (kept.length === 0 || p.y > kept[kept.length - 1].y) kept.push(p);
  const path: PlotPoint[] = [];
  kept.forEach((p, i) => {
    if (i > 0) path.push({ x: p.x, y: kept[i - 1].y });
    path.push(p);
  });
  return path;
}

/** One plot as an <svg> string. */
export function renderPlot(spec: PlotSpec): string {
  const width = spec.width ?? 480, height = spec.height ?? 330;
  const x0 = MARGIN.left, x1 = width - MARGIN.right, y0 = height - MARGIN.bottom, y1 = MARGIN.top;
  const all = spec.series.flatMap((s) => s.points);
  const usable = (p: PlotPoint) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.x.log || p.x > 0) && (!spec.y.log || p.y > 0);
  const sx = scale(all.map((p) => p.x), spec.x, x0, x1);
  const sy = scale(all.map((p) => p.y), spec.y, y0, y1);
  const fmtX = spec.x.format ?? ((v: number) => formatNumber(v)), fmtY = spec.y.format ?? ((v: number) => formatNumber(v));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" data-plot="${escapeHtml(spec.name)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(spec.title)}">`);
  out.push(`<text class="plot-title" x="${fx((x0 + x1) / 2)}" y="18" text-anchor="middle">${escapeHtml(spec.title)}</text>`);
  // grid and ticks
  for (const t of sx.ticks) {
    const x = sx.map(t);
    out.push(`<line class="grid" x1="${fx(x)}" y1="${fx(y1)}" x2="${fx(x)}" y2="${fx(y0)}"/><text class="tick" x="${fx(x)}" y="${fx(y0 + 15)}" text-anchor="middle">${escapeHtml(fmtX(t))}</text>`);
  }
  for (const t of sy.ticks) {
    const y = sy.map(t);
    out.push(`<line class="grid" x1="${fx(x0)}" y1="${fx(y)}" x2="${fx(x1)}" y2="${fx(y)}"/><text class="tick" x="${fx(x0 - 6)}" y="${fx(y + 4)}" text-anchor="end">${escapeHtml(fmtY(t))}</text>`);
  }
  out.push(`<rect class="frame" x="${fx(x0)}" y="${fx(y1)}" width="${fx(x1 - x0)}" height="${fx(y0 - y1)}"/>`);
  out.push(`<text class="axis-label" x="${fx((x0 + x1) / 2)}" y="${fx(height - 8)}" text-anchor="middle">${escapeHtml(spec.x.label)}</text>`);
  out.push(`<text class="axis-label" transform="translate(14 ${fx((y0 + y1) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.y.label)}</text>`);
  const coords = (p: PlotPoint) => `${fx(sx.map(p.x))},${fx(sy.map(p.y))}`;
  if (spec.step) {
    const path = stepPath(spec.step.points.filter(usable));
    if (path.length > 1) out.push(`<polyline class="step" points="${path.map(coords).join(' ')}"/>`);
  }
  for (const s of spec.series) {
    const pts = s.points.filter(usable);
    if (s.style === 'line' && pts.length > 1) out.push(`<polyline class="line" points="${pts.map(coords).join(' ')}"/>`);
    out.push(`<g class="series ${s.style}">`);
    const r = s.style === 'front' ? 4.5 : s.style === 'line' ? 2.5 : 3.2;
    for (const p of pts) {
      const tip = p.title === undefined ? '' : `<title>${escapeHtml(p.title)}</title>`;
      out.push(`<circle cx="${fx(sx.map(p.x))}" cy="${fx(sy.map(p.y))}" r="${r}">${tip}</circle>`);
    }
    out.push('</g>');
  }
  // legend (bottom right inside the frame: high cost and low accuracy, or late and low hypervolume, is sparse)
  spec.series.forEach((s, i) => {
    const ly = y0 - 8 - (spec.series.length - 1 - i) * 15, lx = x1 - 8;
    out.push(`<g class="legend series ${s.style}"><rect class="legend-dot" x="${fx(lx - 8)}" y="${fx(ly - 7)}" width="8" height="8" rx="4"/><text class="legend-text" x="${fx(lx - 13)}" y="${fx(ly)}" text-anchor="end">${escapeHtml(s.label)}</text></g>`);
  });
  out.push('</svg>');
  return out.join('');
}
