// The run viewer: the files of a `gibbon search` run directory (picked, or dropped: a directory or its
// files) become the very page `gibbon report` writes (src/report: the same reader, views and HTML), shown
// in a sandboxed frame and offered as report.html. The design breakdown is simulated on the worker pool.
import type { EvalPool } from '../pool/eval-pool.ts';
import { buildReportHtml } from '../report/html-report.ts';
import { readRunHead, type RunSource } from '../report/run-reader.ts';
import { RUN_FILES } from '../run/store.ts';
import { bestDesign, designBreakdown, frontWithNetworks } from '../report/run-view.ts';
import { SPACE_PRESETS } from '../space/presets.ts';
import { resolveSpace, type Space } from '../space/space.ts';
import { GibbonError, fieldError } from '../util/errors.ts';
import { byId, download } from './dom.ts';
import { baseName, parseJsonFile } from './files.ts';
import { setState, showError } from './page-state.ts';
import type { QuerySpec } from './query.ts';

export const VIEWER_QUERY: QuerySpec = { tab: 'viewer', flags: [] };

/** A supernet directory's summary (gibbon supernet train): a run of a space file needs it for the space. */
const SUPERNET_SUMMARY = 'supernet.json';

interface DroppedFile { path: string; bytes: Uint8Array }

/** The dropped or picked files as a run: by base name; the location is their common directory. */
export function runSourceOf(files: readonly DroppedFile[]): RunSource {
  const byName = new Map(files.map((f) => [baseName(f.path), f.bytes]));
  const dirs = new Set(files.map((f) => f.path.slice(0, Math.max(0, f.path.lastIndexOf('/')))));
  const location = dirs.size === 1 && [...dirs][0] !== '' ? [...dirs][0] : 'the dropped files';
  return { location, nameOf: (file) => (location === 'the dropped files' ? file : `${location}/${file}`), bytes: (file) => byName.get(file) };
}

/** The run's space: the supernet.json given with the files, else the preset named in search.json or the designs. */
function spaceOf(run: RunSource, named: string | undefined): Space {
  const summary = run.bytes(SUPERNET_SUMMARY);
  if (summary !== undefined) {
    const spec = (parseJsonFile({ name: run.nameOf(SUPERNET_SUMMARY), text: new TextDecoder().decode(summary) }) as { spaceSpec?: unknown }).spaceSpec;
    if (spec !== undefined) return resolveSpace(spec, `${run.nameOf(SUPERNET_SUMMARY)} (spaceSpec)`);
  }
  if (named !== undefined && Object.hasOwn(SPACE_PRESETS, named)) return resolveSpace(SPACE_PRESETS[named as keyof typeof SPACE_PRESETS], `space ${named}`);
  throw fieldError('E_FILE', run.nameOf(RUN_FILES.search), 'space', named,
    `a preset space (${Object.keys(SPACE_PRESETS).join(', ')}); a run of a space file needs its supernet's ${SUPERNET_SUMMARY} dropped with the run files`);
}

/** The report page of a run, as `gibbon report` builds it (without --retrain; no time stamp). */
export async function reportOfRun(run: RunSource, pool: EvalPool): Promise<string> {
  const head = readRunHead(run);
  const frontBytes = run.bytes('front.json');
  if (frontBytes === undefined) throw fieldError('E_FILE', run.nameOf('front.json'), '(file)', undefined, 'the Pareto front of a finished run (written by gibbon search)');
  const raw = parseJsonFile({ name: run.nameOf('front.json'), text: new TextDecoder().decode(frontBytes) }) as Array<{ candidate?: { space?: unknown } }>;
  const rawName = Array.isArray(raw) ? raw[0]?.candidate?.space : undefined;
  const space = spaceOf(run, head.search?.space ?? (typeof rawName === 'string' ? rawName : undefined));
  const front = frontWithNetworks(run, space);
  const best = bestDesign(front);
  const breakdown = best === undefined ? undefined
    : await designBreakdown(async (job) => (await pool.simulateBatch([job], { detail: 'full' }))[0], space, best.id, best.candidate);
  return buildReportHtml({ runDir: run.location, config: head.config, search: head.search, summary: head.summary, journal: head.journal, front, breakdown, priorities: head.priorities });
}

/** The files of a drop: a dropped directory's files (one level), and dropped files. */
async function droppedFiles(items: DataTransferItemList): Promise<DroppedFile[]> {
  const files: Array<{ path: string; file: File }> = [];
  const fileOf = (e: FileSystemFileEntry) => new Promise<File>((resolve, reject) => e.file(resolve, reject));
  // The items are readable only during the drop event: take entries and files before the first await.
  const taken = [...items].filter((i) => i.kind === 'file').map((i) => ({ entry: i.webkitGetAsEntry(), plain: i.getAsFile() }));
  for (const { entry, plain } of taken) {
    if (entry === null) { if (plain) files.push({ path: plain.name, file: plain }); continue; } // no entry API: a plain file
    if (entry.isFile) files.push({ path: entry.name, file: plain ?? await fileOf(entry as FileSystemFileEntry) });
    else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries hands back at most 100 entries per call: read until it returns none
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const e of batch) if (e.isFile) files.push({ path: `${entry.name}/${e.name}`, file: await fileOf(e as FileSystemFileEntry) });
      }
    }
  }
  return Promise.all(files.map(async (f) => ({ path: f.path, bytes: new Uint8Array(await f.file.arrayBuffer()) })));
}

async function pickedFiles(list: FileList | null): Promise<DroppedFile[]> {
  return Promise.all([...(list ?? [])].map(async (f) => ({ path: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

export class ViewerPanel {
  readonly #pool: EvalPool;
  readonly #frame = byId('viewer-report', HTMLIFrameElement);
  readonly #info = byId('viewer-info', HTMLSpanElement);
  readonly #download = byId('viewer-download', HTMLButtonElement);
  #html = '';

  constructor(pool: EvalPool) {
    this.#pool = pool;
    const dir = byId('viewer-dir', HTMLInputElement), files = byId('viewer-files', HTMLInputElement), drop = byId('viewer-drop', HTMLDivElement);
    for (const input of [dir, files]) {
      input.addEventListener('change', () => { void pickedFiles(input.files).then((f) => { input.value = ''; return this.open(f); }); });
    }
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      if (e.dataTransfer) void droppedFiles(e.dataTransfer.items).then((f) => this.open(f), showError);
    });
    this.#download.addEventListener('click', () => download('report.html', this.#html, 'text/html'));
  }

  /** Shows the report of these files, or the message of what is wrong with them. */
  async open(files: readonly DroppedFile[]): Promise<void> {
    setState('running');
    this.#frame.hidden = true;
    this.#download.hidden = true;
    try {
      if (files.length === 0) throw new GibbonError('E_FILE', 'run viewer: got no files; allowed: a run directory of gibbon search (config.json, journal.jsonl, front.json)');
      const run = runSourceOf(files);
      this.#html = await reportOfRun(run, this.#pool);
      this.#frame.srcdoc = this.#html;
      this.#frame.hidden = false;
      this.#download.hidden = false;
      this.#info.textContent = `${run.location}: ${files.length} file(s)`;
      setState('done');
    } catch (error) {
      this.#info.textContent = '';
      showError(error);
    }
  }
}
