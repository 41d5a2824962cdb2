import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { createNodePool } from '../../src/node/pool.ts';
import { InThreadPool, taskBounds, type EvalPool } from '../../src/pool/eval-pool.ts';
import { packShared } from '../../src/pool/pack.ts';
import { createWebPool } from '../../src/web/pool.ts';
import { packBatch, type SimJob } from '../../src/hw/simulator.ts';
import { ARCH_PRESETS, applySets } from '../../src/hw/arch.ts';
import { ZOO } from '../../src/hw/zoo.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import type { ArchConfig, ModelName, SimResult } from '../../src/hw/types.ts';
import { GibbonError } from '../../src/util/errors.ts';
import * as L from '../../assembly/layout.ts';
import { channelWorker, rejectsGibbon } from '../helpers.ts';

const sim = await loadSimulatorNode();
const MODELS: readonly ModelName[] = ['gibbon', 'mnsim-2.0'];
const NETS = { vgg8: resolveNetwork(ZOO.vgg8, 'network vgg8'), resnet18: resolveNetwork(ZOO.resnet18, 'network resnet18') };

/** 3 crossbar sizes x 4 ADCs x 4 PE grids x 2 groups = 96 architectures on a chip big enough for all. */
function architectures(): ArchConfig[] {
  const archs: ArchConfig[] = [];
  for (const size of [64, 128, 256]) {
    for (const adc of [1, 2, 4, 7]) {
      for (const [peRows, peCols] of [[1, 1], [2, 2], [2, 4], [4, 3]]) {
        for (const groups of [1, 2]) {
          archs.push(applySets(ARCH_PRESETS['mnsim-default'], [
            `xbar.size=${size}`, `adc.choice=${adc}`, `tile.peRows=${peRows}`, `tile.peCols=${peCols}`,
            `pe.groups=${groups}`, 'chip.tileRows=192', 'chip.tileCols=192',
          ]));
        }
      }
    }
  }
  return archs;
}
const ARCHS = architectures();

/** Every (network, model, architecture), interleaved so each task mixes networks and models. */
function allJobs(): SimJob[] {
  const jobs: SimJob[] = [];
  ARCHS.forEach((arch, i) => {
    for (const [name, net] of Object.entries(NETS)) {
      for (const model of MODELS) jobs.push({ layers: net.layers, arch, options: { model, pipeline: i % 5 !== 0 }, networkSource: `network ${name}` });
    }
  });
  return jobs;
}
const JOBS = allJobs();
const EXPECTED: SimResult[] = sim.simulateBatch(JOBS);

/** Raw result arrays equal bit for bit (NaN and -0 included). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length * 2), y = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try { await p; } catch (error) { return error; }
  return assert.unreachable('expected a rejection');
}


test('the test batch: >= 50 distinct architectures, vgg8 and resnet18, both models, all feasible', () => {
  assert.ok(ARCHS.length >= 50);
  assert.is(new Set(ARCHS.map((a) => JSON.stringify(a))).size, ARCHS.length);
  assert.is(JOBS.length, ARCHS.length * 4);
  const latencies = new Set(EXPECTED.map((r) => r.totals.latencyNs));
  assert.ok(latencies.size > 50, `distinct latencies: ${latencies.size}`);
});

test('batch == single: Simulator.simulateBatch equals simulate() one job at a time', () => {
  JOBS.forEach((job, i) => {
    const one = sim.simulate(job.layers, job.arch, job.options, { network: job.networkSource });
    assert.equal(one, EXPECTED[i], `job ${i}`);
  });
});

test('packShared: fewer input slots than packBatch, bit-identical raw results', () => {
  const full = packBatch(JOBS), shared = packShared(JOBS);
  assert.ok(shared.data.length * 10 < full.data.length, `${shared.data.length} vs ${full.data.length}`);
  assert.is(shared.resultSlots, full.resultSlots);
  for (let i = 0; i < JOBS.length; i++) {
    assert.is(shared.jobs[i * 4 + 2], full.jobs[i * 4 + 2]);
    assert.is(shared.jobs[i * 4 + 3], full.jobs[i * 4 + 3]);
  }
  assert.ok(sameBits(sim.runPacked(shared), sim.runPacked(full)));
  // One architecture object under options that differ only in the last two record fields, including
  // switches the kernel rejects (1.5, -1): each job still gets its own record values.
  const arch = ARCHS[5], layers = NETS.vgg8.layers;
  const variants: SimJob[] = [
    { layers, arch, options: { switches: 2, pipeline: false } }, { layers, arch, options: { switches: 1.5 } },
    { layers, arch, options: { switches: 2, pipeline: false } }, { layers, arch, options: { model: 'mnsim-2.0' } },
    { layers, arch, options: { switches: -1 } }, { layers, arch }, { layers, arch, options: { switches: 5, pipeline: true } },
  ];
  const a = packShared(variants), b = packBatch(variants);
  assert.is(a.data.length, layers.length * L.LAYER_LEN + 6 * L.ARCH_LEN); // 7 jobs, 6 distinct records
  assert.ok(sameBits(sim.runPacked(a), sim.runPacked(b)));
});

test('taskBounds: floor(n / jobsPerTask) near-equal tasks covering every job once', () => {
  assert.equal(taskBounds(0, 2000), [[0, 0]]);
  assert.equal(taskBounds(1999, 2000), [[0, 1999]]);
  assert.equal(taskBounds(3999, 2000), [[0, 3999]]);
  assert.equal(taskBounds(4000, 2000), [[0, 2000], [2000, 4000]]);
  assert.equal(taskBounds(10, 3), [[0, 3], [3, 6], [6, 10]]);
});

test('InThreadPool equals Simulator.simulateBatch, in one task and in many', async () => {
  for (const jobsPerTask of [2000, 7]) {
    const pool = new InThreadPool(sim, { jobsPerTask });
    assert.is(pool.size, 1);
    assert.equal(await pool.simulateBatch(JOBS), EXPECTED);
    await pool.destroy();
  }
});

for (const workers of [1, 2]) {
  test(`Piscina pool, ${workers} worker(s): deep-equal to in-thread (uneven tasks of >= 7 jobs)`, async () => {
    const pool = await createNodePool({ workers, jobsPerTask: 7 });
    try {
      assert.is(pool.size, workers);
      assert.equal(await pool.simulateBatch(JOBS), EXPECTED);
      // One task for the whole batch too, and the raw slots of runPacked bit for bit.
      const one = await createNodePool({ workers, jobsPerTask: 100000 });
      assert.equal(await one.simulateBatch(JOBS.slice(0, 60)), EXPECTED.slice(0, 60));
      await one.destroy();
      assert.ok(sameBits(await pool.runPacked(packBatch(JOBS)), sim.runPacked(packBatch(JOBS))));
    } finally {
      await pool.destroy();
    }
  });
}

test('Piscina pool: the first failed job rejects with in-thread\'s error; runPacked transfers, never a subarray', async () => {
  const tooSmall = applySets(ARCH_PRESETS['mnsim-default'], ['chip.tileRows=2', 'chip.tileCols=2']);
  const jobs = JOBS.slice(0, 40);
  jobs[23] = { ...jobs[23], arch: tooSmall, archSource: 'small.json' };
  jobs[31] = { ...jobs[31], arch: tooSmall, archSource: 'other.json' };
  let expected: unknown;
  try { sim.simulateBatch(jobs); } catch (error) { expected = error; }
  assert.instance(expected, GibbonError);
  assert.match((expected as Error).message, /^small\.json: /);
  const pool = await createNodePool({ workers: 2, jobsPerTask: 3 });
  try {
    const error = await rejection(pool.simulateBatch(jobs));
    assert.instance(error, GibbonError);
    assert.is((error as GibbonError).message, (expected as GibbonError).message);
    assert.is((error as GibbonError).code, (expected as GibbonError).code);

    const packed = packBatch(JOBS.slice(0, 5));
    const copy = { jobs: packed.jobs.slice(), data: packed.data.slice(), resultSlots: packed.resultSlots };
    const raw = await pool.runPacked(packed);
    assert.is(packed.data.length, 0, 'the data array was transferred');
    assert.ok(sameBits(raw, sim.runPacked(copy)));
    // A batch made of subarrays: copied before sending, the big buffers stay usable here.
    const big = new Float64Array(copy.data.length + 100);
    big.set(copy.data, 50);
    const view = { jobs: copy.jobs, data: big.subarray(50, 50 + copy.data.length), resultSlots: copy.resultSlots };
    const raw2 = await pool.runPacked(view);
    assert.is(big.length, copy.data.length + 100);
    assert.ok(sameBits(raw2, raw));
  } finally {
    await pool.destroy();
  }
});

test('pool options and a destroyed pool: exact messages', async () => {
  const bad = (fn: () => Promise<unknown>, message: string) => rejectsGibbon(fn, undefined, message);
  await bad(() => createNodePool({ workers: 0 }), 'createNodePool: options.workers: got 0; allowed: an integer in 1..256');
  await bad(() => createNodePool({ workers: 1.5 }), 'createNodePool: options.workers: got 1.5; allowed: an integer in 1..256');
  await bad(() => createNodePool({ jobsPerTask: 0 }), 'createNodePool: options.jobsPerTask: got 0; allowed: an integer in 1..16777216');
  await bad(async () => new InThreadPool(sim, { jobsPerTask: -1 }), 'InThreadPool: options.jobsPerTask: got -1; allowed: an integer in 1..16777216');
  const { wasmModule } = await import('../../src/node/simulator.ts');
  const module = await wasmModule();
  await bad(() => createWebPool({ module, workers: 1 }), 'createWebPool: this runtime has no Web Worker; in Node use createNodePool, or pass options.createWorker');
  const pool = await createNodePool({ workers: 1 });
  await pool.destroy();
  await bad(() => pool.simulateBatch(JOBS.slice(0, 1)), 'createNodePool: the pool was destroyed; create a new pool to evaluate more jobs');
  const inThread = new InThreadPool(sim);
  await inThread.destroy();
  await bad(() => inThread.runPacked(packBatch(JOBS.slice(0, 1))), 'InThreadPool: the pool was destroyed; create a new pool to evaluate more jobs');
});

test('web pool over MessageChannel workers (the browser protocol): deep-equal to in-thread, errors in order', async () => {
  const { wasmModule } = await import('../../src/node/simulator.ts');
  const pool: EvalPool = await createWebPool({ workers: 2, module: await wasmModule(), jobsPerTask: 11, createWorker: channelWorker });
  try {
    assert.is(pool.size, 2);
    assert.equal(await pool.simulateBatch(JOBS), EXPECTED);
    const tooSmall = applySets(ARCH_PRESETS['mnsim-default'], ['chip.tileRows=2', 'chip.tileCols=2']);
    const jobs = JOBS.slice(0, 30);
    jobs[17] = { ...jobs[17], arch: tooSmall, archSource: 'small.json' };
    let expected: unknown;
    try { sim.simulateBatch(jobs); } catch (e) { expected = e; }
    assert.match((expected as Error).message, /^small\.json: /);
    const error = await rejection(pool.simulateBatch(jobs));
    assert.instance(error, GibbonError);
    assert.is((error as Error).message, (expected as Error).message);
  } finally {
    await pool.destroy();
  }
  const after = await rejection(pool.runPacked(packBatch(JOBS.slice(0, 1))));
  assert.is((after as Error).message, 'createWebPool: the pool was destroyed; create a new pool to evaluate more jobs');
});

test.run();
