// Host-side ABI: the straight-line packer agrees with the field table that names fields in messages,
// and the totals-only path returns exactly the head of the full result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as L from '../../assembly/layout.ts';
import { ARCH_FIELDS, packArch } from '../../src/hw/abi.ts';
import { simulator, zooLayers, arch } from '../helpers.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { createNodePool } from '../../src/node/pool.ts';
import type { SimJob } from '../../src/hw/simulator.ts';

test('packArch writes what ARCH_FIELDS says, for every field, on both presets and a --set variant', () => {
  for (const a of [arch('mnsim-default'), arch('gibbon-base'), arch('mnsim-default', ['xbar.size=64', 'adc.bits=4', 'xbar.cellType=0T1R', 'device.type=SRAM'])]) {
    const out = new Float64Array(L.ARCH_LEN).fill(NaN);
    packArch(a, { model: 'mnsim-2.0', pipeline: false }, out);
    for (const [field, path, get] of ARCH_FIELDS) assert.is(out[field], get(a), path);
    assert.is(out[L.A_PIPELINE], 0);
    assert.is(out[L.A_MODEL_SWITCHES], 0);
    assert.ok(out.every((v) => !Number.isNaN(v)), 'every slot written');
    assert.is(new Set(ARCH_FIELDS.map(([f]) => f)).size, L.ARCH_LEN - 2, 'the table covers every field but the two options');
  }
});

function jobs(): SimJob[] {
  const out: SimJob[] = [];
  for (const net of ['vgg8', 'resnet18'] as const) {
    const layers = zooLayers(net);
    for (const size of [128, 256, 512]) for (const bits of [4, 6, 8, 10]) {
      for (const model of ['gibbon', 'mnsim-2.0'] as const) out.push({ layers, arch: arch('mnsim-default', [`xbar.size=${size}`, `adc.bits=${bits}`]), options: { model } });
    }
  }
  return out;
}

test('detail totals: each summary equals the totals of the full result (in-thread and pools)', async () => {
  const sim = await simulator();
  const js = jobs();
  const full = sim.simulateBatch(js);
  const totals = sim.simulateBatch(js, { detail: 'totals' });
  assert.is(totals.length, js.length);
  totals.forEach((t, i) => {
    assert.equal(t, { model: full[i].model, pipeline: full[i].pipeline, totals: full[i].totals });
    assert.not.ok('layers' in t);
  });
  const inThread = new InThreadPool(sim, { jobsPerTask: 7 });
  assert.equal(await inThread.simulateBatch(js, { detail: 'totals' }), totals);
  const pool = await createNodePool({ workers: 2, jobsPerTask: 5 });
  try {
    assert.equal(await pool.simulateBatch(js, { detail: 'totals' }), totals);
  } finally {
    await pool.destroy();
  }
});

test('detail totals: a failed job throws the same error as the full path', async () => {
  const sim = await simulator();
  const js = jobs().slice(0, 3);
  js[1] = { ...js[1], arch: arch('mnsim-default', ['chip.tileRows=2', 'chip.tileCols=2']) };
  let full = '', totals = '';
  try { sim.simulateBatch(js); } catch (e) { full = (e as Error).message; }
  try { sim.simulateBatch(js, { detail: 'totals' }); } catch (e) { totals = (e as Error).message; }
  assert.ok(full.includes('tiles but the chip has 4'), full);
  assert.is(totals, full);
});

test.run();
