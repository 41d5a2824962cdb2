// The same VGG8 simulation under Deno (test/deno/vgg8.ts, web-standard code only, wasm bytes read with
// Deno.readFile) and under Node: every total and every per-layer number must be equal, not just close.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { ARCH_PRESETS } from '../../src/hw/arch.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import { ZOO } from '../../src/hw/zoo.ts';
import type { ModelName, SimResult } from '../../src/hw/types.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const deno = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url));
const DENO_TIMEOUT_MS = 60_000;

/** Node's results in the same JSON form the Deno script prints. */
async function nodeResults(): Promise<Record<ModelName, SimResult>> {
  const sim = await loadSimulatorNode();
  const { layers } = resolveNetwork(ZOO.vgg8, 'network vgg8');
  const arch = ARCH_PRESETS['mnsim-default'];
  const out = {
    'mnsim-2.0': sim.simulate(layers, arch, { model: 'mnsim-2.0', pipeline: true }),
    gibbon: sim.simulate(layers, arch, { model: 'gibbon', pipeline: true }),
  };
  return JSON.parse(JSON.stringify(out)) as Record<ModelName, SimResult>;
}

test('Deno runs VGG8 from the web-standard sources: totals and per-layer numbers equal Node\'s exactly', async () => {
  const { stdout } = await promisify(execFile)(deno, ['run', '--allow-read', 'test/deno/vgg8.ts'], {
    cwd: root, timeout: DENO_TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  });
  const fromDeno = JSON.parse(stdout) as Record<ModelName, SimResult>;
  const fromNode = await nodeResults();
  for (const model of ['mnsim-2.0', 'gibbon'] as const) {
    const d = fromDeno[model], n = fromNode[model];
    assert.equal(d.totals, n.totals, `${model} totals`);
    assert.is(d.layers.length, 12);
    d.layers.forEach((layer, i) => assert.equal(layer, n.layers[i], `${model} layer ${i}`));
    assert.equal(d, n, model);
  }
  // And it is MNSIM-2.0's VGG8 (scratch/vgg8.mts reference).
  const t = fromDeno['mnsim-2.0'].totals;
  assert.is(t.tiles, 322);
  assert.ok(Math.abs(t.latencyNs / 5151851.4457 - 1) < 1e-6);
  assert.ok(Math.abs(t.energyNj / 4448843.521 - 1) < 1e-6);
});

test('the Deno script loads only web-standard modules: src/hw, src/util, the plain-constants assembly/layout.ts, converter-tables.ts and errors.ts', async () => {
  const { stdout } = await promisify(execFile)(deno, ['info', '--json', 'test/deno/vgg8.ts'], {
    cwd: root, timeout: DENO_TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  });
  const info = JSON.parse(stdout) as { modules: Array<{ specifier: string; kind: string }> };
  // 'external' entries are type-only references Deno lists from tsconfig (@types/node); never loaded.
  const loaded = info.modules.filter((m) => m.kind !== 'external').map((m) => m.specifier.replace(`file://${root}`, ''));
  const allowed = /^(assembly\/(layout|converter-tables|errors)\.ts|src\/hw\/[\w-]+\.ts|src\/util\/[\w-]+\.ts|test\/deno\/vgg8\.ts)$/;
  for (const m of loaded) assert.ok(allowed.test(m), `Deno loaded ${m} (node:, npm: and non-shared modules are not allowed)`);
  for (const m of ['assembly/layout.ts', 'src/hw/simulator.ts', 'src/hw/abi.ts', 'src/hw/zoo.ts']) assert.ok(loaded.includes(m), m);
});

test.run();
