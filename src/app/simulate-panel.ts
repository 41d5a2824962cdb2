// The simulate panel: a zoo network or a network JSON file, an arch preset or file, the hardware knobs
// (--set paths), model and pipeline; every change re-simulates on the worker pool and redraws the totals
// and the per-layer table (the report's table, src/report/html-report.ts). window.gibbonSimulation holds
// the last result exactly as `gibbon simulate --json` prints it.
import { ARCH_PRESETS } from '../hw/arch.ts';
import { zooNames } from '../hw/zoo.ts';
import type { EvalPool } from '../pool/eval-pool.ts';
import type { PublicSimulation } from '../report/hw-json.ts';
import { chipTotalsText, layerTableHtml } from '../report/html-report.ts';
import { byId, download, fillSelect, FILE_OPTION } from './dom.ts';
import { readPicked, type PickedFile } from './files.ts';
import { setState, showError } from './page-state.ts';
import { queryBoolean, type PanelQuery, type QuerySpec } from './query.ts';
import { MODELS, publicSimulation, simulateRequest, type SimulateForm } from './simulate-core.ts';

/** The knobs with a field of their own; any other --set path goes in the free-form box. */
export const KNOBS: ReadonlyArray<{ path: string; label: string }> = [
  { path: 'xbar.size', label: 'crossbar size' },
  { path: 'adc.bits', label: 'ADC bits' },
  { path: 'dac.bits', label: 'DAC bits' },
  { path: 'device.cellBits', label: 'bits per cell' },
  { path: 'pe.groups', label: 'groups per PE' },
  { path: 'tile.peRows', label: 'PE rows per tile' },
  { path: 'tile.peCols', label: 'PE cols per tile' },
  { path: 'chip.tileRows', label: 'tile rows' },
  { path: 'chip.tileCols', label: 'tile cols' },
  { path: 'digital.frequencyMHz', label: 'clock (MHz)' },
];

export const SIMULATE_QUERY: QuerySpec = { tab: 'simulate', flags: ['net', 'arch', 'model', 'no-pipeline', 'set'], repeatable: ['set'] };

declare global {
  interface Window { gibbonSimulation?: PublicSimulation }
}

export class SimulatePanel {
  readonly #pool: EvalPool;
  readonly #net = byId('sim-net', HTMLSelectElement);
  readonly #netFile = byId('sim-net-file', HTMLInputElement);
  readonly #arch = byId('sim-arch', HTMLSelectElement);
  readonly #archFile = byId('sim-arch-file', HTMLInputElement);
  readonly #model = byId('sim-model', HTMLSelectElement);
  readonly #pipeline = byId('sim-pipeline', HTMLInputElement);
  readonly #sets = byId('sim-sets', HTMLTextAreaElement);
  readonly #knobs = byId('sim-knobs', HTMLDivElement);
  readonly #totals = byId('sim-totals', HTMLDivElement);
  readonly #table = byId('sim-table', HTMLDivElement);
  readonly #timing = byId('sim-timing', HTMLSpanElement);
  readonly #files: { net?: PickedFile; arch?: PickedFile } = {};
  /** Only the latest request draws (an older one finishing late is dropped). */
  #generation = 0;

  constructor(pool: EvalPool) {
    this.#pool = pool;
    fillSelect(this.#net, [...zooNames(), FILE_OPTION]);
    fillSelect(this.#arch, [...Object.keys(ARCH_PRESETS), FILE_OPTION]);
    fillSelect(this.#model, MODELS);
    this.#knobs.replaceChildren(...KNOBS.map((k) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'text';
      input.inputMode = 'decimal';
      input.dataset.path = k.path;
      input.placeholder = 'preset';
      input.size = 7;
      label.append(`${k.label} `, input);
      label.title = `--set ${k.path}=<value>`;
      return label;
    }));
    const onChange = () => { void this.run(); };
    for (const el of [this.#net, this.#arch, this.#model, this.#pipeline]) el.addEventListener('change', onChange);
    this.#sets.addEventListener('input', onChange);
    this.#knobs.addEventListener('input', onChange);
    this.#netFile.addEventListener('change', () => { void this.#pick('net', this.#netFile, this.#net); });
    this.#archFile.addEventListener('change', () => { void this.#pick('arch', this.#archFile, this.#arch); });
    byId('sim-download', HTMLButtonElement).addEventListener('click', () => {
      if (window.gibbonSimulation) download('simulation.json', `${JSON.stringify(window.gibbonSimulation, null, 2)}\n`);
    });
  }

  /** Pre-fills the form from the query (net, arch, model, no-pipeline, set). */
  applyQuery(q: PanelQuery): void {
    const net = q.values.get('net')?.[0];
    if (net !== undefined) this.#choose(this.#net, net);
    const arch = q.values.get('arch')?.[0];
    if (arch !== undefined) this.#choose(this.#arch, arch);
    const model = q.values.get('model')?.[0];
    if (model !== undefined) this.#choose(this.#model, model);
    this.#pipeline.checked = queryBoolean(q, 'no-pipeline') !== true;
    const extra: string[] = [];
    for (const set of q.values.get('set') ?? []) {
      const path = set.slice(0, Math.max(0, set.indexOf('='))).trim();
      const knob = this.#knobInput(path);
      if (knob) knob.value = set.slice(set.indexOf('=') + 1);
      else extra.push(set);
    }
    this.#sets.value = extra.join('\n');
  }

  form(): SimulateForm {
    const knobSets = [...this.#knobs.querySelectorAll('input')].filter((i) => i.value.trim() !== '').map((i) => `${i.dataset.path}=${i.value.trim()}`);
    return {
      net: this.#net.value === FILE_OPTION ? this.#files.net?.name ?? '' : this.#net.value, netFile: this.#files.net,
      arch: this.#arch.value === FILE_OPTION ? this.#files.arch?.name ?? '' : this.#arch.value, archFile: this.#files.arch,
      model: this.#model.value, pipeline: this.#pipeline.checked,
      sets: [...knobSets, ...this.#sets.value.split('\n')],
    };
  }

  /** Simulates the form on the pool and draws it; bad input shows its message. */
  async run(): Promise<void> {
    const generation = ++this.#generation;
    setState('running');
    try {
      const request = simulateRequest(this.form());
      const t0 = performance.now();
      const [result] = await this.#pool.simulateBatch([request.job], { detail: 'full' });
      const ms = performance.now() - t0;
      if (generation !== this.#generation) return;
      const pub = publicSimulation(request, result);
      window.gibbonSimulation = pub;
      this.#draw(pub, ms);
      setState('done');
    } catch (error) {
      if (generation !== this.#generation) return;
      window.gibbonSimulation = undefined;
      this.#totals.replaceChildren();
      this.#table.replaceChildren();
      showError(error);
    }
  }

  #draw(s: PublicSimulation, ms: number): void {
    const t = s.totals;
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = `${s.network} on ${s.arch}, model ${s.model}, ${s.pipeline ? 'inter-layer pipeline' : 'layer by layer'}: ${t.tiles} tiles, ${t.pes} PEs, ${t.xbars} crossbars, utilization ${t.utilization.toFixed(3)}.`;
    const q = document.createElement('p');
    q.className = 'note totals';
    q.textContent = chipTotalsText(s);
    this.#totals.replaceChildren(p, q);
    this.#table.innerHTML = layerTableHtml(s); // escaped by the report's renderer
    this.#timing.textContent = `simulated in ${ms.toFixed(1)} ms on a Web Worker`;
  }

  #knobInput(path: string): HTMLInputElement | undefined {
    return [...this.#knobs.querySelectorAll('input')].find((i) => i.dataset.path === path);
  }

  /** Selects `value` (a zoo name or preset); anything else stays as typed so the error names it. */
  #choose(select: HTMLSelectElement, value: string): void {
    if (![...select.options].some((o) => o.value === value)) {
      const option = document.createElement('option');
      option.value = option.textContent = value;
      select.append(option);
    }
    select.value = value;
  }

  async #pick(kind: 'net' | 'arch', input: HTMLInputElement, select: HTMLSelectElement): Promise<void> {
    const [file] = await readPicked(input.files ?? []);
    input.value = ''; // picking the same file again (edited meanwhile) fires change again
    if (file === undefined) return;
    this.#files[kind] = file;
    select.value = FILE_OPTION;
    const option = select.selectedOptions[0];
    if (option) option.textContent = `file: ${file.name}`;
    await this.run();
  }
}
