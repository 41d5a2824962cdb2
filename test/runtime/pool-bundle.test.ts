// The production path of the Node pool: bundled by esbuild exactly as scripts/build.mjs bundles dist/
// (an entry at the root of the output, the worker at node/sim-worker.js, gibbon.wasm beside the entry),
// then run by plain `node`, with no tsx anywhere: the pool must find the bundled worker next to the
// running bundle, and its results must equal the in-thread ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { ARCH_PRESETS, applySets } from '../../src/hw/arch.ts';
import { ZOO } from '../../src/hw/zoo.ts';
import { resolveNetwork } from '../../src/hw/network.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Inside the repository so that the bundle's external `piscina` resolves from node_modules.
const out = join(root, 'node_modules', '.cache', 'gibbon-pool-bundle-test');
const RUN_TIMEOUT_MS = 60_000;

/** The bundled program: a 2-worker pool over VGG8 on three architectures; prints the totals as JSON. */
const ENTRY = `
import { createNodePool, simWorkerPath } from '../../../src/node/pool.ts';
import { ARCH_PRESETS, applySets } from '../../../src/hw/arch.ts';
import { ZOO } from '../../../src/hw/zoo.ts';
import { resolveNetwork } from '../../../src/hw/network.ts';
const { layers } = resolveNetwork(ZOO.vgg8, 'network vgg8');
const archs = [64, 128, 256].map((size) => applySets(ARCH_PRESETS['mnsim-default'], ['xbar.size=' + size, 'tile.peRows=4', 'tile.peCols=4']));
const pool = await createNodePool({ workers: 2, jobsPerTask: 1 });
const results = await pool.simulateBatch(archs.map((arch) => ({ layers, arch, options: { model: 'mnsim-2.0' } })));
await pool.destroy();
console.log(JSON.stringify({ worker: simWorkerPath(), totals: results.map((r) => r.totals) }));
`;

test('bundled like dist/: plain node finds node/sim-worker.js next to the bundle; results equal in-thread', async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'entry.ts'), ENTRY);
  await esbuild.build({
    entryPoints: [{ in: join(out, 'entry.ts'), out: 'main' }, { in: join(root, 'src/node/sim-worker.ts'), out: 'node/sim-worker' }],
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outdir: join(out, 'dist'),
    external: ['piscina'], logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  copyFileSync(join(root, 'build', 'gibbon.wasm'), join(out, 'dist', 'gibbon.wasm'));
  const { stdout } = await promisify(execFile)(process.execPath, [join(out, 'dist', 'main.js')], { cwd: root, timeout: RUN_TIMEOUT_MS });
  const got = JSON.parse(stdout) as { worker: string; totals: unknown[] };
  assert.is(got.worker, join(out, 'dist', 'node', 'sim-worker.js'));

  const sim = await loadSimulatorNode();
  const { layers } = resolveNetwork(ZOO.vgg8, 'network vgg8');
  const expected = [64, 128, 256].map((size) => {
    const arch = applySets(ARCH_PRESETS['mnsim-default'], [`xbar.size=${size}`, 'tile.peRows=4', 'tile.peCols=4']);
    return JSON.parse(JSON.stringify(sim.simulate(layers, arch, { model: 'mnsim-2.0' }).totals));
  });
  assert.equal(got.totals, expected);
  rmSync(out, { recursive: true, force: true });
});

test.run();
