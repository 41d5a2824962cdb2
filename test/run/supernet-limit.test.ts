// --supernet-limit and --supernet-distill through the library: config.supernetLimit reaches the trainer's job (SupernetTrainJob.limit)
// and search.json (absent when not given, so older runs' search.json is unchanged), and a resume with another
// limit is refused naming it. The CLI's side: the cache name (test/cli/default-paths.test.ts) and the flag's
// messages (test/cli/search.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../nn/helpers.ts';
import { rejectsGibbon, simulator } from '../helpers.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { Supernet, trainSupernet, type SupernetState } from '../../src/nn/supernet.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { memoryRunStore, RUN_FILES } from '../../src/run/store.ts';
import { runGibbonSearch, type GibbonSearchConfig, type SupernetTrainer, type SupernetTrainJob } from '../../src/run/gibbon-search.ts';

const data = await loadDataset('mnist');
const sim = await simulator();
const pool = new InThreadPool(sim);

/** Trains in this thread on the job's limit (all images when none: never asked here). */
function recordingTrainer(): SupernetTrainer & { jobs: SupernetTrainJob[]; kept?: SupernetState } {
  const t: SupernetTrainer & { jobs: SupernetTrainJob[]; kept?: SupernetState } = {
    location: 'memory-supernet', jobs: [],
    load: async (epochs) => (t.kept && t.kept.epoch >= epochs ? t.kept : undefined),
    async train(job) {
      t.jobs.push(job);
      const sn = new Supernet(job.space, job.seed);
      try { t.kept = await trainSupernet(sn, data.train, { epochs: job.epochs, limit: job.limit, seed: job.seed, distill: job.distill }); } finally { sn.dispose(); }
    },
  };
  return t;
}

const CONFIG: GibbonSearchConfig = { space: spacePreset('mnist'), dataset: 'mnist', algorithm: 'random', objectives: ['accuracy', 'edp'], budget: 2, population: 2, seed: 2, limit: 10, supernetEpochs: 1, supernetLimit: 64, predictor: false };

test('supernetLimit: the trainer trains on that many images; search.json records it; a resume with another is refused', async () => {
  const trainer = recordingTrainer();
  const store = memoryRunStore('run');
  await runGibbonSearch(CONFIG, { store, pool, trainer, data, simulator: sim });
  assert.equal(trainer.jobs.map((j) => j.limit), [64]);
  assert.is(trainer.kept?.options.limit, 64);
  assert.is(JSON.parse(store.data.documents.get(RUN_FILES.search)!).supernetLimit, 64);
  await rejectsGibbon(() => runGibbonSearch({ ...CONFIG, supernetLimit: 128, resume: true }, { store, pool, trainer, data, simulator: sim }), 'E_OPTION',
    'search: run/search.json: supernetLimit: got 128 where the run has 64; allowed: the same space, dataset, supernet, limit, non-idealities, trials and fine-tuning steps to resume (--resume)');
  const plain = memoryRunStore('plain');
  await runGibbonSearch({ ...CONFIG, supernetLimit: undefined }, { store: plain, pool, trainer, data, simulator: sim });
  assert.not.ok('supernetLimit' in JSON.parse(plain.data.documents.get(RUN_FILES.search)!), 'absent when not given');
});

test('supernetDistill: the trainer job carries it and the kept supernet records it; absent, the job has none (the default recipe)', async () => {
  const trainer = recordingTrainer();
  await runGibbonSearch({ ...CONFIG, supernetDistill: 1 }, { store: memoryRunStore('kd1'), pool, trainer, data, simulator: sim });
  assert.equal(trainer.jobs.map((j) => j.distill), [1]);
  assert.is(trainer.kept?.options.distill, 1);
  const plain = recordingTrainer();
  await runGibbonSearch(CONFIG, { store: memoryRunStore('kd-default'), pool, trainer: plain, data, simulator: sim });
  assert.equal(plain.jobs.map((j) => j.distill), [undefined]);
  assert.is(plain.kept?.options.distill, 0);
});

test.run();
