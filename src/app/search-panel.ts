// The search panel: gibbon search's form (fields named like its flags, validated by the CLI's own
// searchArgsOf), Run and Stop, the search in a Web Worker (./search-worker.ts: runGibbonSearch), a live
// progress line, the report's plots and front table redrawn as records arrive, downloads of the run's
// files and report.html, and the offer to resume a run a reload cut off. At the end window.gibbonFront
// holds front.json's text and the page state is "done" (or "error" with the message shown).
import { DEFAULT_SEARCH, searchArgsOf, type SearchArgs, type SearchFlagValues } from '../cli/search-args.ts';
import type { EvalPool } from '../pool/eval-pool.ts';
import type { FrontDesign, JournalRecord, RunConfig } from '../report/run-data.ts';
import { designBreakdown, frontWithNetworks } from '../report/run-view.ts';
import { parseJournal } from '../run/journal.ts';
import { RUN_FILES } from '../run/store.ts';
import { ALGORITHM_NAMES } from '../search/registry.ts';
import { SPACE_PRESETS, type SpacePresetName } from '../space/presets.ts';
import { resolveSpace, type Space } from '../space/space.ts';
import { GibbonError } from '../util/errors.ts';
import { deleteRun, indexedDbRunStore, journalText, runLockName } from '../web/idb-run-store.ts';
import { byId, download, fillSelect, FILE_OPTION } from './dom.ts';
import { baseName, parseJsonFile, readPicked, type PickedFile } from './files.ts';
import { pickedDatasetSpec, type PickedDatasetFiles } from './picked-dataset.ts';
import { freshRunName, keepRun, runFiles, runInUse, runSource, settleRunLock, unfinishedRuns, type KeptRun } from './kept-runs.ts';
import { setState, showError } from './page-state.ts';
import type { PanelQuery, QuerySpec } from './query.ts';
import type { SearchFromWorker, SearchStart, SearchToWorker } from './search-protocol.ts';
import { drawBreakdown, drawDesigns, drawFront, liveFront, progressText } from './search-view.ts';
import { reportOfRun } from './viewer-panel.ts';

/** The flags the form has a field for (and the query may pre-fill); the rest of gibbon search's stay CLI-only. */
export const SEARCH_QUERY: QuerySpec = {
  tab: 'search',
  flags: ['space', 'dataset', 'algorithm', 'objectives', 'budget', 'population', 'seed', 'time', 'out', 'algorithm-options',
    'min-accuracy', 'max-energy', 'max-latency', 'max-area', 'max-edp', 'max-power',
    'no-predictor', 'predictor-oversample', 'predictor-random-share', 'predictor-epochs',
    'workers', 'limit', 'trials', 'saf-hrs-pct', 'saf-lrs-pct', 'variation-pct', 'test-limit', 'no-test-accuracy',
    'no-seed-extremes', 'supernet-epochs', 'supernet-limit'],
};

declare global {
  interface Window { gibbonFront?: string }
}

const MAX_WORKERS = 4;
/** How long a Resume waits for the run's lock to be freed by a tab or worker that is going away. */
const LOCK_SETTLE_MS = 5000;
/** The same before the offer says whether the run is running in another tab. */
const OFFER_SETTLE_MS = 1000;
const defaultWorkers = () => Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1));
const DOWNLOAD_TYPES: Record<string, string> = { 'front.json': 'application/json', 'front.csv': 'text/csv', 'journal.jsonl': 'application/jsonl', 'report.html': 'text/html' };

/** The worker's error as the page shows it (its message is already the one line). */
class WorkerFailure extends Error {}

type Field = HTMLInputElement | HTMLSelectElement;

export class SearchPanel {
  readonly #pool: EvalPool;
  readonly #form = byId('search-form', HTMLFormElement);
  readonly #space = byId('search-space', HTMLSelectElement);
  readonly #spaceFileInput = byId('search-space-file', HTMLInputElement);
  readonly #dataset = byId('search-dataset', HTMLSelectElement);
  readonly #datasetDir = byId('search-dataset-dir', HTMLInputElement);
  /** The picked dataset directory: its spec (idx:<dir>, ...) and files. */
  #datasetFiles: { spec: string; files: PickedDatasetFiles } | undefined;
  readonly #runButton = byId('search-run', HTMLButtonElement);
  readonly #stopButton = byId('search-stop', HTMLButtonElement);
  readonly #progress = byId('search-progress', HTMLSpanElement);
  readonly #plots = byId('search-plots', HTMLDivElement);
  readonly #front = byId('search-front', HTMLDivElement);
  readonly #downloads = byId('search-downloads', HTMLParagraphElement);
  readonly #keptBox = byId('search-kept', HTMLDivElement);
  readonly #breakdown = byId('search-breakdown', HTMLDivElement);
  /** The front on screen (live or final), for a click on one of its rows. */
  #shownFront: FrontDesign[] = [];
  /** The design whose breakdown is shown (its row stays highlighted through redraws). */
  #chosen: number | undefined;
  #spaceFile: PickedFile | undefined;
  /** The run on screen (running or finished) and what its views are drawn from. */
  #current: { kept: KeptRun; space: Space; journal: JournalRecord[]; config?: RunConfig } | undefined;
  #worker: { worker: Worker; phase: 'setup' | 'supernet' | 'search'; stop(): void } | undefined;
  #offered: KeptRun | undefined;
  #drawQueued = false;

  constructor(pool: EvalPool) {
    this.#pool = pool;
    fillSelect(this.#space, [...Object.keys(SPACE_PRESETS), FILE_OPTION]);
    this.#space.value = DEFAULT_SEARCH.space;
    const algorithm = byId('search-algorithm', HTMLSelectElement);
    fillSelect(algorithm, [...ALGORITHM_NAMES]);
    algorithm.value = DEFAULT_SEARCH.algorithm;
    for (const f of this.#fields()) {
      if (!SEARCH_QUERY.flags.includes(f.dataset.flag ?? '')) throw new Error(`index.html: a search field has data-flag ${JSON.stringify(f.dataset.flag)}, not in SEARCH_QUERY`);
    }
    this.#spaceFileInput.addEventListener('change', () => { void this.#pickSpace(); });
    this.#datasetDir.addEventListener('change', () => { void this.#pickDataset().catch(showError); });
    this.#runButton.addEventListener('click', () => { void this.run(); });
    this.#stopButton.addEventListener('click', () => this.#worker?.stop());
    byId('search-resume', HTMLButtonElement).addEventListener('click', () => { if (this.#offered) void this.run(this.#offered); });
    byId('search-discard', HTMLButtonElement).addEventListener('click', () => {
      if (this.#offered) void deleteRun(this.#offered.run).then(() => this.offerKept(), showError);
    });
    this.#front.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLTableRowElement>('tr[data-design]');
      if (row) void this.#showBreakdown(Number(row.dataset.design)).catch(showError);
    });
    for (const b of this.#downloads.querySelectorAll<HTMLButtonElement>('button[data-download]')) {
      b.addEventListener('click', () => { void this.#download(b.dataset.download ?? '').catch(showError); });
    }
  }

  #fields(): Field[] {
    return [...this.#form.querySelectorAll<Field>('[data-flag]')];
  }

  /** The form as gibbon search's flags: filled fields and checked boxes only (the rest take the CLI's defaults). */
  flags(): Record<string, string | boolean> {
    const flags: Record<string, string | boolean> = {};
    for (const f of this.#fields()) {
      const flag = f.dataset.flag!;
      if (f instanceof HTMLInputElement && f.type === 'checkbox') { if (f.checked) flags[flag] = true; continue; }
      const value = f === this.#space && f.value === FILE_OPTION ? this.#spaceFile?.name ?? '' : f.value.trim();
      if (value !== '') flags[flag] = value;
    }
    return flags;
  }

  /** Pre-fills the form from the query (each parameter a flag's value; a switch present, 1 or true). */
  applyQuery(q: PanelQuery): void {
    for (const f of this.#fields()) {
      const value = q.values.get(f.dataset.flag!)?.[0];
      if (value === undefined) continue;
      if (f instanceof HTMLInputElement && f.type === 'checkbox') f.checked = value === '' || value === '1' || value === 'true';
      else if (f instanceof HTMLSelectElement) {
        // an unknown name stays as given, so the run names it in its message
        if (![...f.options].some((o) => o.value === value)) f.append(new Option(value, value));
        f.value = value;
      } else f.value = value;
    }
  }

  /** Offers the latest unfinished run kept in this browser for resume (or hides the offer). */
  async offerKept(): Promise<void> {
    const [latest] = this.#worker ? [] : await unfinishedRuns();
    this.#offered = latest;
    this.#keptBox.hidden = latest === undefined;
    if (latest === undefined) return;
    await settleRunLock(latest.run, OFFER_SETTLE_MS); // just reloaded: the old page's worker may hold it a moment longer
    const journaled = (await journalText(latest.run)).split('\n').length - 1;
    const budget = searchArgsOf(latest.flags, defaultWorkers());
    byId('search-kept-text', HTMLSpanElement).textContent = `An unfinished run is kept in this browser: ${latest.run} (space ${latest.space}, ` +
      `${journaled} of ${budget === 'help' ? '?' : budget.budget} evaluations journaled, started ${latest.started}).` +
      (await runInUse(latest.run) ? ' It is running in another tab of this browser now.' : '');
  }

  /** Runs the form's search, or resumes a kept run; bad input shows its one line. */
  async run(kept?: KeptRun): Promise<void> {
    if (this.#worker) return;
    setState('running');
    window.gibbonFront = undefined;
    this.#plots.replaceChildren();
    this.#front.replaceChildren();
    this.#breakdown.replaceChildren();
    this.#shownFront = [];
    this.#chosen = undefined;
    this.#downloads.hidden = true;
    this.#keptBox.hidden = true;
    this.#runButton.disabled = true;
    try {
      const flags: SearchFlagValues = kept ? { ...kept.flags, resume: true } : this.flags();
      const args = searchArgsOf(flags, defaultWorkers());
      if (args === 'help') throw new Error('search form: got help, which is no field of the form');
      const space = kept ? resolveSpace(kept.spaceSpec, `space ${kept.space}`) : this.#resolveSpace(args.spaceArg);
      if (kept) await settleRunLock(kept.run, LOCK_SETTLE_MS);
      const datasetFiles = kept ? kept.datasetFiles : this.#datasetFilesFor(args.dataset);
      const entry = kept ?? await this.#newRun(flags, args, space, datasetFiles);
      const journal = parseJournal<JournalRecord>(new TextEncoder().encode(await journalText(entry.run)), entry.run).records;
      this.#current = { kept: entry, space, journal };
      const done = await this.#inWorker({ type: 'start', run: entry.run, args, spaceSpec: space.spec, datasetFiles });
      await this.#finish(done);
    } catch (error) {
      if (error instanceof WorkerFailure) setState('error', error.message);
      else showError(error);
    } finally {
      this.#worker = undefined;
      this.#runButton.disabled = false;
      this.#stopButton.disabled = true;
      await this.offerKept().catch(() => {});
    }
  }

  /** A new run's entry in this browser's list (kept before it starts, so a reload can resume it). */
  async #newRun(flags: SearchFlagValues, args: SearchArgs, space: Space, datasetFiles: PickedDatasetFiles | undefined): Promise<KeptRun> {
    const run = args.out ?? await freshRunName(space.name, args.seed);
    const entry: KeptRun = { run, flags: { ...flags, out: run }, spaceSpec: space.spec, space: space.name, datasetFiles, started: new Date().toISOString() };
    // A name that holds a run already is left as it is: the library refuses it with the CLI's message.
    if ((await indexedDbRunStore(run).read(RUN_FILES.search)) === undefined) await keepRun(entry);
    return entry;
  }

  /** The space of --space: a preset, or the picked file (its name is the flag's value). */
  #resolveSpace(arg: string | undefined): Space {
    const name = arg ?? 'mnist';
    if (this.#spaceFile !== undefined && name === this.#spaceFile.name) return resolveSpace(parseJsonFile(this.#spaceFile), this.#spaceFile.name);
    if (Object.hasOwn(SPACE_PRESETS, name)) return resolveSpace(SPACE_PRESETS[name as SpacePresetName], `space ${name}`);
    throw new GibbonError('E_OPTION', `--space: got ${JSON.stringify(name)}; allowed: ${Object.keys(SPACE_PRESETS).join(', ')} or a space JSON file`);
  }

  /** The picked files of --dataset (undefined for the embedded MNIST); a spec with no files picked is refused. */
  #datasetFilesFor(spec: string): PickedDatasetFiles | undefined {
    if (spec === 'mnist') return undefined;
    if (this.#datasetFiles?.spec === spec) return this.#datasetFiles.files;
    throw new GibbonError('E_OPTION', `--dataset: got ${JSON.stringify(spec)}; allowed: mnist, or the dataset's directory picked in the page (a page cannot open a directory by its name)`);
  }

  /** A picked dataset directory: its files read, its kind told by their names, and the dataset field set to its spec. */
  async #pickDataset(): Promise<void> {
    const list = [...(this.#datasetDir.files ?? [])];
    this.#datasetDir.value = '';
    if (list.length === 0) return;
    const dir = (list[0].webkitRelativePath || list[0].name).split('/')[0];
    const files: PickedDatasetFiles = {};
    for (const f of list) files[baseName(f.webkitRelativePath || f.name)] = new Uint8Array(await f.arrayBuffer());
    const spec = pickedDatasetSpec(Object.keys(files), dir);
    this.#datasetFiles = { spec, files };
    if (![...this.#dataset.options].some((o) => o.value === spec)) this.#dataset.append(new Option(`files: ${spec}`, spec));
    this.#dataset.value = spec;
    setState('idle', `dataset ${spec}: ${list.length} file(s) picked`);
  }

  /** A picked space file is checked at once: a bad one shows its message before any run. */
  async #pickSpace(): Promise<void> {
    const [file] = await readPicked(this.#spaceFileInput.files ?? []);
    this.#spaceFileInput.value = '';
    if (file === undefined) return;
    this.#spaceFile = file;
    this.#space.value = FILE_OPTION;
    const option = this.#space.selectedOptions[0];
    if (option) option.textContent = `file: ${file.name}`;
    try {
      const space = resolveSpace(parseJsonFile(file), file.name);
      setState('idle', `space ${space.name} from ${file.name}: ${space.decisions.length} decisions`);
    } catch (error) {
      showError(error);
    }
  }

  /** Runs the search in a new worker; resolves with its end, rejects with its one line. */
  #inWorker(start: SearchStart): Promise<Extract<SearchFromWorker, { type: 'done' }>> {
    const worker = new Worker(new URL('./search-worker.js', import.meta.url), { type: 'module', name: 'gibbon-search' });
    const send = (m: SearchToWorker) => worker.postMessage(m);
    return new Promise((resolve, reject) => {
      const end = (e: Error) => { worker.terminate(); reject(e); };
      const handle = {
        worker, phase: 'setup' as 'setup' | 'supernet' | 'search',
        stop: () => {
          this.#stopButton.disabled = true;
          // Training cannot stop mid-epoch: the worker goes, and the epochs kept in IndexedDB stay.
          if (handle.phase !== 'search') {
            worker.terminate();
            // The browser frees the run's Web Lock once the worker is gone: wait for that, so Resume finds it free.
            const free = navigator.locks.request(runLockName(start.run), async () => {});
            void free.then(() => end(new WorkerFailure(`${start.run}: stopped before the search began; the supernet's complete epochs are kept in this browser, and Resume continues the run`)));
          }
          else { send({ type: 'stop' }); this.#progress.textContent += ' (stopping after the evaluations in flight)'; }
        },
      };
      this.#worker = handle;
      this.#stopButton.disabled = false;
      worker.addEventListener('error', (e) => end(new WorkerFailure(`internal error: the search worker failed${e.message ? `: ${e.message}` : ''}`)));
      worker.addEventListener('message', (event: MessageEvent<SearchFromWorker>) => {
        const m = event.data;
        if (m.type === 'event') {
          handle.phase = m.event.kind.startsWith('supernet') ? 'supernet' : 'search';
          this.#progress.textContent = progressText(m.event, start.args.objectives);
        } else if (m.type === 'record') {
          this.#current?.journal.push(m.record);
          this.#queueDraw();
        } else if (m.type === 'done') { worker.terminate(); resolve(m); }
        else end(new WorkerFailure(m.message));
      });
      send(start);
    });
  }

  /** Redraws the live plots and front at most every 200 ms. */
  #queueDraw(): void {
    if (this.#drawQueued) return;
    this.#drawQueued = true;
    setTimeout(() => {
      this.#drawQueued = false;
      void this.#drawLive().catch(showError);
    }, 200);
  }

  async #drawLive(): Promise<void> {
    const cur = this.#current;
    if (cur === undefined) return;
    if (cur.config === undefined) {
      const text = await indexedDbRunStore(cur.kept.run).read(RUN_FILES.config);
      if (text === undefined) return;
      cur.config = JSON.parse(text) as RunConfig;
    }
    this.#shownFront = liveFront(cur.config, cur.space, cur.journal);
    drawDesigns(this.#plots, this.#front, cur.config, cur.journal, this.#shownFront, this.#chosen);
  }

  /** The per-layer hardware of a front design (one simulation on the page's pool), its row highlighted. */
  async #showBreakdown(id: number): Promise<void> {
    const design = this.#shownFront.find((d) => d.id === id);
    if (design === undefined || this.#current === undefined) return;
    const b = await designBreakdown(async (job) => (await this.#pool.simulateBatch([job], { detail: 'full' }))[0], this.#current.space, id, design.candidate);
    this.#chosen = id;
    drawFront(this.#front, this.#shownFront, id);
    drawBreakdown(this.#breakdown, b);
  }

  /** The end: front.json's designs drawn as the report draws them, the downloads, the contract's globals. */
  async #finish(done: Extract<SearchFromWorker, { type: 'done' }>): Promise<void> {
    const cur = this.#current!;
    const files = await runFiles(cur.kept);
    const config = JSON.parse(files.get(RUN_FILES.config)!) as RunConfig;
    const journal = parseJournal<JournalRecord>(new TextEncoder().encode(files.get(RUN_FILES.journal)!), cur.kept.run).records;
    this.#shownFront = frontWithNetworks(await runSource(cur.kept), cur.space);
    drawDesigns(this.#plots, this.#front, config, journal, this.#shownFront, this.#chosen);
    this.#downloads.hidden = false;
    const s = done.summary;
    const stopped = s.stoppedBy === 'aborted' ? ' | stopped (Resume continues it)' : s.stoppedBy === 'time' ? ' | stopped by the time budget' : '';
    this.#progress.textContent = '';
    window.gibbonFront = files.get(RUN_FILES.frontJson);
    setState('done', `search ${cur.space.name} | ${s.algorithm} seed ${s.seed} | ${s.evaluations} evaluations (${done.newEvaluations} new) in ${s.generations} generations | ` +
      `${s.feasible} feasible | front ${s.frontSize} design(s)${s.hypervolume === null ? '' : ` | hypervolume ${s.hypervolume.toFixed(4)}`}${stopped} | run ${cur.kept.run}, supernet of ${done.supernetEpochs} epoch(s)`);
  }

  async #download(name: string): Promise<void> {
    const cur = this.#current;
    if (cur === undefined) return;
    const text = name === 'report.html' ? await reportOfRun(await runSource(cur.kept), this.#pool) : (await runFiles(cur.kept)).get(name);
    if (text !== undefined) download(name, text, DOWNLOAD_TYPES[name]);
  }
}
