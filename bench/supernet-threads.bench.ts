// Supernet training on several threads (docs/supernet.md §3): seconds per step of the default sandwich
// (largest, smallest, 2 random; QAT; batch 64) on 1 thread and on N threads (src/node/grad-helpers.ts),
// alternated in one process, median of several runs each; the speed-up, and whether the weights agree.
//   npm run bench:supernet-threads [-- --threads 2 --runs 3 --steps 30 --distill 0]
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { loadDataset } from '../src/node/dataset-files.ts';
import { startGradientHelpers } from '../src/node/grad-helpers.ts';
import { spacePreset } from '../src/space/presets.ts';
import { Supernet, trainSupernet, type SupernetState } from '../src/nn/supernet.ts';

const { values } = parseArgs({ options: { threads: { type: 'string' }, runs: { type: 'string' }, steps: { type: 'string' }, distill: { type: 'string' } } });
const threads = Number(values.threads ?? 2), runs = Number(values.runs ?? 3), steps = Number(values.steps ?? 30), distill = Number(values.distill ?? 0);
const setup = await setupTfjs();
const space = spacePreset('mnist');
const ds = await loadDataset('mnist');
const helpers = await startGradientHelpers(space.spec, threads - 1);
console.log(`backend ${setup.backend}${setup.simd ? ' (SIMD)' : ''}, node ${process.version}; ${steps} steps of batch 64 per run, distill ${distill}`);

const digest = (st: SupernetState) => {
  const h = createHash('sha256');
  for (const w of [...st.weights, ...st.optimizer]) h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  return h.digest('hex').slice(0, 16);
};
async function run(n: number): Promise<{ secondsPerStep: number; digest: string }> {
  const sn = new Supernet(space, 1);
  const st = await trainSupernet(sn, ds.train, { epochs: 8, stopAfter: 1, limit: 64 * steps, seed: 1, distill, helpers: helpers.slice(0, n - 1) });
  sn.dispose();
  return { secondsPerStep: st.history[0].seconds / steps, digest: digest(st) };
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];
const one: number[] = [], many: number[] = [];
const digests = new Set<string>();
await run(1); // warm-up: tfjs kernels, the helpers' first steps
for (let r = 0; r < runs; r++) {
  for (const [n, into] of [[1, one], [threads, many]] as const) {
    const m = await run(n);
    into.push(m.secondsPerStep);
    digests.add(m.digest);
    console.log(`run ${r + 1}, ${n} thread${n === 1 ? '' : 's'}: ${(1000 * m.secondsPerStep).toFixed(0)} ms/step, weights ${m.digest}`);
  }
}
await Promise.all(helpers.map((h) => h.close()));
const speedup = median(one) / median(many);
console.log(`median ${(1000 * median(one)).toFixed(0)} ms/step on 1 thread, ${(1000 * median(many)).toFixed(0)} on ${threads}: ${speedup.toFixed(2)}x; weights ${digests.size === 1 ? 'identical' : 'DIFFER'}`);
console.log(JSON.stringify({ threads, runs, steps, distill, ms_per_step_1: +(1000 * median(one)).toFixed(1), ms_per_step_n: +(1000 * median(many)).toFixed(1), speedup: +speedup.toFixed(3), identical: digests.size === 1 }));
