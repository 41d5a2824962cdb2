// finetuneSteps through the library: the search's accuracy is the fine-tuned one (evaluateAccuracy with the
// same steps on the supernet the run trained, computed here independently of the evaluator), search.json
// records it (absent at 0, so older runs' search.json is unchanged) and a resume with another is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../nn/helpers.ts';
import { rejectsGibbon, simulator } from '../helpers.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { toArch } from '../../src/space/convert.ts';
import { Supernet, trainSupernet, type SupernetState } from '../../src/nn/supernet.ts';
import { evaluateAccuracy } from '../../src/nn/accuracy.ts';
import { InThreadPimExecutor } from '../../src/pim/executor.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { memoryRunStore, RUN_FILES } from '../../src/run/store.ts';
import { runGibbonSearch, type GibbonSearchConfig, type SupernetTrainer } from '../../src/run/gibbon-search.ts';

const data = await loadDataset('mnist');
const sim = await simulator();
const pool = new InThreadPool(sim);
const space = spacePreset('mnist');

let kept: SupernetState | undefined;
const trainer: SupernetTrainer = {
  location: 'memory-supernet',
  load: async (epochs) => (kept && kept.epoch >= epochs ? kept : undefined),
  async train(job) {
    const sn = new Supernet(job.space, job.seed);
    try { kept = await trainSupernet(sn, data.train, { epochs: job.epochs, limit: 128, seed: job.seed }); } finally { sn.dispose(); }
  },
};

const CONFIG: GibbonSearchConfig = { space, dataset: 'mnist', algorithm: 'random', objectives: ['accuracy', 'edp'], budget: 2, population: 2, seed: 2, limit: 10,
  supernetEpochs: 1, predictor: false, seedExtremes: false, testAccuracy: false, finetuneSteps: 3 };

test('finetuneSteps: the journal holds the fine-tuned accuracy; search.json pins it; a resume with another is refused', async () => {
  const store = memoryRunStore('run');
  await runGibbonSearch(CONFIG, { store, pool, trainer, data, simulator: sim });
  assert.is(JSON.parse(store.data.documents.get(RUN_FILES.search)!).finetuneSteps, 3);
  const records = store.data.journal;
  assert.is(records.length, 2);
  const sn = new Supernet(space, kept!.initSeed);
  sn.setWeights(kept!.weights);
  const exec = new InThreadPimExecutor(sim);
  let differs = 0;
  for (const r of records) {
    const c = space.decode(r.genome);
    const opts = { executor: exec, calibration: data.train, limit: 10, arch: toArch(space, c) };
    const tuned = await evaluateAccuracy(c, sn, data.validation, { ...opts, finetuneSteps: 3 });
    assert.is(r.metrics.accuracy, tuned.pim);
    assert.is(r.metrics.float, tuned.float);
    const plain = await evaluateAccuracy(c, sn, data.validation, opts);
    if (plain.float !== tuned.float || plain.pim !== tuned.pim) differs++;
  }
  assert.ok(differs > 0, 'the fine-tuning changes what these designs measure (else the check above proves nothing)');
  sn.dispose();
  await rejectsGibbon(() => runGibbonSearch({ ...CONFIG, finetuneSteps: 5, resume: true }, { store, pool, trainer, data, simulator: sim }), 'E_OPTION',
    'search: run/search.json: finetuneSteps: got 5 where the run has 3; allowed: the same space, dataset, supernet, limit, non-idealities, trials and fine-tuning steps to resume (--resume)');
  const plain = memoryRunStore('plain');
  await runGibbonSearch({ ...CONFIG, finetuneSteps: 0 }, { store: plain, pool, trainer, data, simulator: sim });
  assert.not.ok('finetuneSteps' in JSON.parse(plain.data.documents.get(RUN_FILES.search)!), 'absent at 0');
});

test.run();
