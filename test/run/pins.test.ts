// Runs and the supernet cache pinned by content (issue 16 item 3; docs/search.md §7): the cache key
// follows the whole space document, the dataset's bytes and the batch size (not the space's name);
// search.json pins the dataset's and the supernet's hashes, so a resume with a retrained or replaced
// supernet is refused; a run whose search.json was deleted, or whose checkpoint is newer than its journal,
// is refused; journal lines and checkpoints that parse but have the wrong shape are refused like corrupt ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../nn/helpers.ts';
import { rejectsGibbon, simulator } from '../helpers.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { fileRunStore } from '../../src/node/run-store.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { resolveSpace } from '../../src/space/space.ts';
import { Supernet, trainSupernet, type SupernetState } from '../../src/nn/supernet.ts';
import { encodeCheckpoint } from '../../src/nn/checkpoint.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { memoryRunStore, RUN_FILES } from '../../src/run/store.ts';
import { datasetHash, supernetCacheKey } from '../../src/run/pins.ts';
import { canonicalJson, sha256Hex } from '../../src/util/content-hash.ts';
import { cachedSupernetDir } from '../../src/cli/search.ts';
import { runGibbonSearch, type GibbonSearchConfig, type GibbonSearchEnv, type SupernetTrainer } from '../../src/run/gibbon-search.ts';
import type { Dataset } from '../../src/data/types.ts';

const space = spacePreset('mnist');
const data = await loadDataset('mnist');
const sim = await simulator();
const pool = new InThreadPool(sim);
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

test('sha256Hex is SHA-256 (FIPS 180-2 test vector "abc"; node:crypto on bytes)', async () => {
  assert.is(await sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const bytes = new Uint8Array([0, 1, 2, 255]);
  assert.is(await sha256Hex(bytes), sha256(bytes));
  assert.is(canonicalJson({ b: 1, a: { d: [2, { f: 0, e: 1 }], c: 3 } }), '{"a":{"c":3,"d":[2,{"e":1,"f":0}]},"b":1}');
});

test('the supernet cache key: by content, not by name', async () => {
  const key = await supernetCacheKey(space.spec, data);
  assert.match(key, /^[0-9a-f]{12}$/);
  // the same document with its keys in another order: the same key
  assert.is(await supernetCacheKey(Object.fromEntries(Object.entries(space.spec).reverse()), data), key);
  // a custom space called "mnist" that differs in one field: another key (the issue: it reused the preset's)
  assert.is.not(await supernetCacheKey({ ...space.spec, padSeed: 2 }, data), key);
  // another batch size: another key; the default batch size (64) named: the same key
  assert.is.not(await supernetCacheKey(space.spec, data, { batchSize: 8 }), key);
  assert.is(await supernetCacheKey(space.spec, data, { batchSize: 64 }), key);
  // the README's cache name: the mnist preset on the embedded MNIST, the default recipe and batch
  assert.is(key, 'e06066d9669e');
  // another recipe (in-place distillation): another key; the default distillation (0) named: the same key
  assert.is.not(await supernetCacheKey(space.spec, data, { distill: 1 }), key);
  assert.is(await supernetCacheKey(space.spec, data, { distill: 0 }), key);
  // one pixel of the validation split changed: another dataset hash, another key
  const changed: Dataset = { ...data, validation: { ...data.validation, images: data.validation.images.slice() } };
  changed.validation.images[0] ^= 1;
  assert.is.not(await datasetHash(changed), await datasetHash(data));
  assert.is.not(await supernetCacheKey(space.spec, changed), key);
  assert.is(cachedSupernetDir('mnist', 'mnist', 1, 8, key), join('.gibbon-cache', `supernet-mnist-${key}-s1-e8-kd0`));
});

/** A supernet trained once (1 epoch on 320 digits), kept in memory, handed out by trainers below. */
const sn = new Supernet(space, 5);
const stateA: SupernetState = await trainSupernet(sn, data.train, { epochs: 1, limit: 320, seed: 5 });
sn.dispose();
/** The same supernet "retrained": one weight differs. */
const stateB: SupernetState = { ...stateA, weights: stateA.weights.map((w, i) => (i === 0 ? Float32Array.from(w, (v, k) => (k === 0 ? v + 1 : v)) : w)) };
const fixed = (state: SupernetState, location = 'memory-supernet'): SupernetTrainer => ({
  location, load: async () => state, train: async () => { throw new Error('not asked'); },
});

const CONFIG: GibbonSearchConfig = { space, dataset: 'mnist', algorithm: 'nsga2', objectives: ['accuracy', 'edp'], budget: 8, population: 4, seed: 5, limit: 10, testLimit: 10, supernetEpochs: 1, predictor: false };
const env = (store: GibbonSearchEnv['store'], trainer: SupernetTrainer): GibbonSearchEnv => ({ store, pool, trainer, data, simulator: sim });

test('search.json pins the dataset and the supernet by their SHA-256; a resume with a retrained supernet is refused, the same one resumes', async () => {
  const store = memoryRunStore('pinned');
  const controller = new AbortController();
  const stopped = await runGibbonSearch(CONFIG, { ...env(store, fixed(stateA)), signal: controller.signal, progress: (e) => { if (e.kind === 'evaluated') controller.abort(); } });
  assert.is(stopped.summary.evaluations, 4);
  const pinned = JSON.parse(store.data.documents.get(RUN_FILES.search)!) as Record<string, unknown>;
  assert.is(pinned.supernetHash, sha256(encodeCheckpoint(stateA)));
  const d = data;
  const expectDataset = sha256([
    sha256(JSON.stringify({ classes: d.classes, counts: [d.train.count, d.validation.count, d.test.count], shape: d.shape })),
    ...[d.train.images, d.train.labels, d.validation.images, d.validation.labels, d.test.images, d.test.labels].map(sha256),
  ].join(':'));
  assert.is(pinned.datasetHash, expectDataset);
  const a = sha256(encodeCheckpoint(stateA)).slice(0, 12), b = sha256(encodeCheckpoint(stateB)).slice(0, 12);
  await rejectsGibbon(() => runGibbonSearch({ ...CONFIG, resume: true }, env(store, fixed(stateB))), 'E_FILE',
    `search: pinned/search.json: supernetHash: got ${b}… (the supernet now at memory-supernet) where the run has ${a}…; allowed: the supernet the run started with (it was retrained or replaced since): put it back at memory-supernet, or start a new run directory`);
  assert.is(store.data.journal.length, 4, 'nothing evaluated with the other supernet');
  // another supernet directory: refused naming it (search.json's supernet)
  await rejectsGibbon(() => runGibbonSearch({ ...CONFIG, resume: true }, env(store, fixed(stateA, 'other-dir'))), 'E_OPTION',
    'search: pinned/search.json: supernet: got "other-dir" where the run has "memory-supernet"; allowed: the same space, dataset, supernet, limit, non-idealities, trials and fine-tuning steps to resume (--resume)');
  // the dataset's files changed (one pixel of the training split): refused naming datasetHash
  const changed: Dataset = { ...data, train: { ...data.train, images: data.train.images.slice() } };
  changed.train.images[100] ^= 1;
  const d0 = (await datasetHash(data)).slice(0, 12), d1 = (await datasetHash(changed)).slice(0, 12);
  await rejectsGibbon(() => runGibbonSearch({ ...CONFIG, resume: true }, { ...env(store, fixed(stateA)), data: changed }), 'E_FILE',
    `search: pinned/search.json: datasetHash: got ${d1}… (the images of mnist now) where the run has ${d0}…; allowed: the dataset the run started with (its files changed since): put them back, or start a new run directory`);
  const done = await runGibbonSearch({ ...CONFIG, resume: true }, env(store, fixed(stateA)));
  assert.is(done.summary.evaluations, 8);
});

test('a run from before the pins (no datasetHash, supernetHash in search.json) resumes and is pinned then', async () => {
  const store = memoryRunStore('old');
  const controller = new AbortController();
  await runGibbonSearch(CONFIG, { ...env(store, fixed(stateA)), signal: controller.signal, progress: (e) => { if (e.kind === 'evaluated') controller.abort(); } });
  const { datasetHash: _d, supernetHash: _s, ...old } = JSON.parse(store.data.documents.get(RUN_FILES.search)!) as Record<string, unknown>;
  store.data.documents.set(RUN_FILES.search, JSON.stringify(old));
  await runGibbonSearch({ ...CONFIG, resume: true }, env(store, fixed(stateA)));
  const now = JSON.parse(store.data.documents.get(RUN_FILES.search)!) as Record<string, unknown>;
  assert.is(now.supernetHash, sha256(encodeCheckpoint(stateA)));
  assert.is(typeof now.datasetHash, 'string');
});

test('a run measured with the float calibration of earlier versions (no accuracyCalibration in search.json) is not resumed', async () => {
  const store = memoryRunStore('float-calibrated');
  const controller = new AbortController();
  await runGibbonSearch(CONFIG, { ...env(store, fixed(stateA)), signal: controller.signal, progress: (e) => { if (e.kind === 'evaluated') controller.abort(); } });
  const now = JSON.parse(store.data.documents.get(RUN_FILES.search)!) as Record<string, unknown>;
  assert.is(now.accuracyCalibration, 'quantized-forward');
  const { accuracyCalibration: _a, ...old } = now;
  store.data.documents.set(RUN_FILES.search, JSON.stringify(old));
  const journal = store.data.journal.length;
  await rejectsGibbon(() => runGibbonSearch({ ...CONFIG, resume: true }, env(store, fixed(stateA))), 'E_FILE',
    'search: float-calibrated/search.json: accuracyCalibration: got "quantized-forward" (this version\'s export calibration) where the run has none (the float calibration of earlier versions); allowed: a new run directory, as its front would mix accuracies measured two ways (docs/supernet.md §4)');
  assert.is(store.data.journal.length, journal, 'nothing evaluated');
});

test('a deleted search.json: a resume (that could change --limit or --trials) is refused', async () => {
  const store = memoryRunStore('lost');
  const controller = new AbortController();
  await runGibbonSearch(CONFIG, { ...env(store, fixed(stateA)), signal: controller.signal, progress: (e) => { if (e.kind === 'evaluated') controller.abort(); } });
  store.data.documents.delete(RUN_FILES.search);
  await rejectsGibbon(() => runGibbonSearch({ ...CONFIG, limit: 20, trials: 3, resume: true }, env(store, fixed(stateA))), 'E_FILE',
    "search: lost/search.json: got no such file in a run that has config.json; allowed: the run's own search.json put back (it pins the space, dataset, supernet, limit and trials a resume must keep), or a new run directory");
  assert.is(store.data.journal.length, 4);
});

/** A finished 8-evaluation run in a directory store, for the file-shaped cases below. */
async function finishedRunDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gibbon-pins-'));
  await runGibbonSearch(CONFIG, env(fileRunStore(dir), fixed(stateA)));
  return dir;
}
const resume = (dir: string) => runGibbonSearch({ ...CONFIG, resume: true }, env(fileRunStore(dir), fixed(stateA)));

test('a checkpoint newer than the journal (more evaluations than journal records) is refused', async () => {
  const dir = await finishedRunDir();
  const journal = join(dir, RUN_FILES.journal);
  const lines = readFileSync(journal, 'utf8').split('\n').filter((l) => l !== '');
  assert.is(lines.length, 8);
  writeFileSync(journal, `${lines.slice(0, 4).join('\n')}\n`);
  await rejectsGibbon(() => resume(dir), 'E_FILE',
    `${join(dir, RUN_FILES.checkpoint)}: evaluations: got 8; allowed: at most the 4 record(s) of the run's journal: this checkpoint is newer than the journal (one of them was replaced); put back the journal that goes with it, or start a new run`);
  rmSync(dir, { recursive: true, force: true });
});

test('wrong-shape run files: a journal line {"foo":1}, a checkpoint {"version":1}, a genome of another problem', async () => {
  const dir = await finishedRunDir();
  const journal = join(dir, RUN_FILES.journal);
  const good = readFileSync(journal, 'utf8');
  const lines = good.split('\n').filter((l) => l !== '');
  writeFileSync(journal, `${lines.slice(0, 2).join('\n')}\n{"foo":1}\n${lines.slice(2).join('\n')}\n`);
  const allowedRecord = '(a journal record {"id","generation","genome","metrics"})';
  await rejectsGibbon(() => resume(dir), 'E_FILE', `${journal}: line 3.id: got nothing; allowed: an integer >= 0 ${allowedRecord}`);
  const record = JSON.parse(lines[0]) as { genome: number[] };
  const decisions = space.decisions.length;
  assert.is(record.genome.length, decisions);
  writeFileSync(journal, `${JSON.stringify({ ...record, genome: [...record.genome, 0] })}\n${lines.slice(1).join('\n')}\n`);
  await rejectsGibbon(() => resume(dir), 'E_FILE',
    `${journal}: line 1.genome: got ${JSON.stringify([...record.genome, 0])}; allowed: ${decisions} value indices, one per decision of the run's problem (each in 0..size-1) ${allowedRecord}`);
  writeFileSync(journal, good);
  const checkpoint = join(dir, RUN_FILES.checkpoint);
  writeFileSync(checkpoint, '{"version":1}');
  await rejectsGibbon(() => resume(dir), 'E_FILE', `${checkpoint}: evaluations: got nothing; allowed: an integer >= 0`);
  writeFileSync(checkpoint, '{"version":1,"evaluations":8,"state":{"name":"nsga2","generation":2,"rng":{"seed":5,"counters":{}},"population":7}}');
  await rejectsGibbon(() => resume(dir), 'E_FILE', `${checkpoint}: state.population: got 7; allowed: an array of members {"id","genome","F","cv"}`);
  rmSync(dir, { recursive: true, force: true });
});

test('config.json and search.json both deleted: a new run there does not take the journal as its own', async () => {
  const dir = await finishedRunDir();
  rmSync(join(dir, RUN_FILES.config));
  rmSync(join(dir, RUN_FILES.search));
  const journal = readFileSync(join(dir, RUN_FILES.journal), 'utf8');
  await rejectsGibbon(() => runGibbonSearch({ ...CONFIG, limit: 20 }, env(fileRunStore(dir), fixed(stateA))), 'E_FILE',
    `search: ${join(dir, RUN_FILES.config)}: got no such file in a run that has 8 journal record(s) and a checkpoint; allowed: the run's own config.json put back, or a new run directory`);
  assert.is(readFileSync(join(dir, RUN_FILES.journal), 'utf8'), journal);
  rmSync(dir, { recursive: true, force: true });
});

test('a custom space named "mnist" gets its own cache directory (the preset\'s is not reused)', async () => {
  const spec = { ...JSON.parse(JSON.stringify(space.spec)) as Record<string, unknown>, padSeed: 2 };
  const custom = resolveSpace(spec, 'custom');
  assert.is(custom.name, 'mnist');
  const dirOf = async (s: typeof space) => cachedSupernetDir(s.name, 'mnist', 1, 8, await supernetCacheKey(s.spec, data));
  assert.is.not(await dirOf(custom), await dirOf(space));
});

test('the library refuses a limit past the validation split (the embedded MNIST keeps 1,500 validation digits) before anything is written', async () => {
  const store = memoryRunStore('limit');
  await rejectsGibbon(() => runGibbonSearch({ ...CONFIG, limit: 1501 }, env(store, fixed(stateA))), 'E_OPTION',
    'search: limit: got 1501; allowed: at most 1500, the images of the validation split of mnist');
  assert.equal([...store.data.documents.keys()], []);
});

test.after(() => pool.destroy());
test.run();
