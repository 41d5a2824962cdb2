// The app's entry (bundled to dist/app/app.js): starts the simulator worker pool, builds the panels,
// reads the query (the automation contract, docs/app.md §4) and switches tabs.
import { compileModule } from '../hw/simulator.ts';
import { REPORT_STYLE } from '../report/html-report.ts';
import { createWebPool } from '../web/pool.ts';
import { setState, showError } from './page-state.ts';
import { parseQuery, type PanelQuery } from './query.ts';
import { SEARCH_QUERY, SearchPanel } from './search-panel.ts';
import { SIMULATE_QUERY, SimulatePanel } from './simulate-panel.ts';
import { VIEWER_QUERY, ViewerPanel } from './viewer-panel.ts';

/** Simulator workers of the page's pool: one per core, at most 4 (the simulate panel needs one). */
const MAX_SIM_WORKERS = 4;

function showTab(tab: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('#tabs button')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  for (const s of document.querySelectorAll<HTMLElement>('section[data-panel]')) s.hidden = s.dataset.panel !== tab;
}

async function start(): Promise<void> {
  const style = document.createElement('style');
  style.textContent = REPORT_STYLE;
  document.head.prepend(style);
  // A bad query is shown, and the page still starts (on the default tab, with the form's defaults).
  let query: PanelQuery | undefined;
  let queryError: unknown;
  try { query = parseQuery(location.search, [SEARCH_QUERY, SIMULATE_QUERY, VIEWER_QUERY], 'simulate'); } catch (error) { queryError = error; }
  // With a bad query, still the tab it asks for (when there is one), where the message belongs.
  const asked = new URLSearchParams(location.search).get('tab');
  showTab(query?.tab ?? (asked !== null && [SEARCH_QUERY, SIMULATE_QUERY, VIEWER_QUERY].some((q) => q.tab === asked) ? asked : 'simulate'));
  const module = await compileModule(new URL('./gibbon.wasm', import.meta.url));
  const workers = Math.max(1, Math.min(MAX_SIM_WORKERS, navigator.hardwareConcurrency || 1));
  const pool = await createWebPool({ module, workers, workerUrl: new URL('./sim-worker.js', import.meta.url) });
  const simulate = new SimulatePanel(pool);
  new ViewerPanel(pool);
  const search = new SearchPanel(pool);
  for (const b of document.querySelectorAll<HTMLButtonElement>('#tabs button')) {
    // a search keeps running (and its state) while another tab is looked at
    b.addEventListener('click', () => { showTab(b.dataset.tab ?? 'simulate'); if (document.body.dataset.state !== 'running') setState('idle'); });
  }
  if (queryError !== undefined) { showError(queryError); return; }
  await search.offerKept();
  if (query?.tab === 'search') {
    search.applyQuery(query);
    // not awaited: the page is ready (data-ready) while the search runs
    if (query.autorun) void search.run();
  }
  // The simulate panel draws on load (a simulation takes milliseconds), autorun or not.
  if (query?.tab === 'simulate') {
    simulate.applyQuery(query);
    await simulate.run();
  }
}

// data-ready: the panels are wired (a test may click and type from then on).
start().then(() => { document.body.dataset.ready = '1'; }, showError);
