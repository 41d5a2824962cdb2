// bench:distributed: evaluations per second through the BullMQ queue with 1, 2 and 4 `gibbon worker`
// processes on loopback, against the local evaluator (createGibbonEvaluator on a 1-thread pool) in this
// process, on the same genomes, in batches of 4 as `gibbon search` sends them. On a 2-core machine this
// measures the per-job overhead of the queue (ms/job), not a speed-up. Then a projection for N machines
// from the measured evaluation time and overhead. Median of --runs runs; last line one JSON object.
//   npm run bench:distributed -- [--evals 8] [--runs 3] [--limit 20] [--workers 1,2,4]
import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { loadDataset } from '../src/node/dataset-files.ts';
import { checkpointPath, saveSupernet } from '../src/node/supernet-files.ts';
import { createNodePool } from '../src/node/pool.ts';
import { Supernet, trainSupernet } from '../src/nn/supernet.ts';
import { spacePreset } from '../src/space/presets.ts';
import { createGibbonEvaluator } from '../src/evaluate/gibbon-evaluator.ts';
import { startRemoteEvaluation } from '../src/node/queue/remote-evaluator.ts';
import { Rng } from '../src/util/rng.ts';
import { median } from './compare.ts';
import { startRedis } from '../test/distributed/redis-server.ts';
import { kill, worker } from '../test/distributed/cluster.ts';

const { values } = parseArgs({ options: { evals: { type: 'string' }, runs: { type: 'string' }, limit: { type: 'string' }, workers: { type: 'string' } } });
const EVALS = Number(values.evals ?? 8), RUNS = Number(values.runs ?? 3), LIMIT = Number(values.limit ?? 20);
const WORKER_COUNTS = (values.workers ?? '1,2,4').split(',').map(Number);
const BATCH = 4; // gibbon search's chunk: candidates per evaluator call

await setupTfjs();
const dir = mkdtempSync(join(tmpdir(), 'gibbon-bench-dist-'));
const space = spacePreset('mnist');
const dataset = await loadDataset('mnist');
const sn = new Supernet(space, 1);
const state = await trainSupernet(sn, dataset.train, { epochs: 1, limit: 320, seed: 1 });
saveSupernet(join(dir, 'sn'), state);
const rng = new Rng(7);
const genomesOf = (n: number) => Array.from({ length: n }, () => space.encode(space.sample(rng)));
const genomes = genomesOf(EVALS);

async function timed(evaluate: (g: number[][]) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < genomes.length; i += BATCH) await evaluate(genomes.slice(i, i + BATCH));
  return (performance.now() - t0) / genomes.length;
}

const pool = await createNodePool({ workers: 1 });
const local = createGibbonEvaluator({ space, supernet: sn, pool, dataset, limit: LIMIT });
await local.evaluate(genomesOf(2)); // warm
const redis = await startRedis({ password: 'bench' });
const rows: Record<string, number> = {};
const started: Array<ReturnType<typeof worker>> = [];
try {
  const localMs: number[] = [];
  const remoteMs = new Map<number, number[]>(WORKER_COUNTS.map((k) => [k, []]));
  for (const k of WORKER_COUNTS) {
    const queue = `bench${k}`;
    const workers = Array.from({ length: k }, (_, i) => worker(redis.url, queue, join(dir, `cache-${k}-${i}`), ['--lock-ms', '60000']));
    started.push(...workers);
    const accuracy = { limit: LIMIT, trials: 1 };
    let run = 0;
    const remoteEval = async () => {
      // a new run directory name each time: new job ids, so nothing is served from earlier results
      const r = await startRemoteEvaluation({ url: redis.url, queue, out: join(dir, `run-${k}-${run++}`), space, supernetBytes: readFileSync(checkpointPath(join(dir, 'sn'))), dataset, datasetSpec: 'mnist', accuracy });
      return r;
    };
    const warm = await remoteEval();
    await warm.evaluator('test').evaluate(genomesOf(2 * k)); // every worker prepared (supernet, dataset, tfjs)
    await warm.close();
    for (let r = 0; r < RUNS; r++) {
      // side by side: the local evaluator and the queue, alternately, on the same genomes
      localMs.push(await timed((g) => local.evaluate(g)));
      const remote = await remoteEval();
      remoteMs.get(k)!.push(await timed((g) => remote.evaluator('validation').evaluate(g)));
      await remote.close();
    }
    await Promise.all(workers.map(kill));
    const m = median(remoteMs.get(k)!), l = median(localMs.slice(-RUNS));
    console.log(`queue, ${k} worker process(es): ${m.toFixed(0)} ms/evaluation; local alongside ${l.toFixed(0)} ms/evaluation (median of ${RUNS})`);
  }
  const localMedian = median(localMs);
  console.log(`local evaluator (1 simulator thread, this process): ${localMedian.toFixed(0)} ms/evaluation, ${(1000 / localMedian).toFixed(2)} evaluations/s (median of ${localMs.length})`);
  for (const [k, ms] of remoteMs) {
    const m = median(ms);
    rows[`workers${k}_ms_per_eval`] = Number(m.toFixed(1));
    console.log(`queue, ${k} worker process(es): ${m.toFixed(0)} ms/evaluation, ${(1000 / m).toFixed(2)} evaluations/s; overhead against local ${(m - localMedian).toFixed(0)} ms/job (median of ${ms.length})`);
  }
  // Projection: N machines, each as fast as this one's local evaluator, each adds the 1-worker overhead;
  // the search keeps one batch of 4 in flight, so at most 4 jobs run at once whatever N.
  const overhead = median(remoteMs.get(WORKER_COUNTS[0])!) - localMedian;
  const projection = [1, 2, 4, 8, 16].map((n) => ({ machines: n, evaluations_per_s: Number((Math.min(n, BATCH) / ((localMedian + Math.max(0, overhead)) / 1000)).toFixed(2)) }));
  console.log(`projection (evaluation ${localMedian.toFixed(0)} ms + overhead ${Math.max(0, overhead).toFixed(0)} ms per job, at most ${BATCH} jobs in flight per search): ${projection.map((p) => `${p.machines}: ${p.evaluations_per_s}/s`).join(', ')}`);
  console.log(JSON.stringify({ bench: 'distributed', evals: EVALS, runs: RUNS, limit: LIMIT, local_ms_per_eval: Number(localMedian.toFixed(1)), ...rows, overhead_ms_per_job: Number(overhead.toFixed(1)), projection }));
} finally {
  await Promise.all(started.map(kill));
  await pool.destroy();
  sn.dispose();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
