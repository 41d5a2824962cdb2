// The built package as a user imports it: plain `node` (no tsx) resolving 'gibbon-ts' through
// package.json "exports" (a package may import itself by name), after `npm run build`. The entry holds
// the search library, the supernet, the predictor and runGibbonSearch; and the README's custom-objective
// example runs as written, its front equal to the exhaustive Pareto front of the same 16 designs
// simulated here one by one. (gibbon-ts/web is the browser bundle: test/runtime/browser.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { simulator, zooLayers } from '../helpers.ts';
import { ARCH_PRESETS, applySets } from '../../src/hw/arch.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Runs an ES module with plain node from build/ (inside the package, so 'gibbon-ts' resolves to itself). */
async function runModule(name: string, code: string): Promise<string> {
  mkdirSync(join(root, 'build'), { recursive: true });
  const file = join(root, 'build', name);
  writeFileSync(file, code);
  const { stdout } = await run(process.execPath, [file], { cwd: root, timeout: 120_000 });
  return stdout;
}

test("import { Esapp, runGibbonSearch, ... } from 'gibbon-ts' in plain node", async () => {
  const names = ['Esapp', 'Nsga2', 'runSearch', 'hypervolume', 'paretoFront', 'runGibbonSearch', 'runStudy', 'memoryRunStore', 'fileRunStore',
    'cachedSupernetTrainer', 'createPredictor', 'createPredictorScreen', 'Supernet', 'trainSupernet', 'createGibbonEvaluator', 'loadSimulatorNode', 'setupTfjs'];
  const out = await runModule('entry-probe.mjs', `import * as G from 'gibbon-ts';\nconsole.log(JSON.stringify(${JSON.stringify(names)}.map((n) => [n, typeof G[n]])));\n`);
  for (const [name, type] of JSON.parse(out) as [string, string][]) assert.is(type, 'function', name);
});

test('the README custom-objective example runs, and its front is the exhaustive Pareto front', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /### Your own objective[\s\S]*?```js\n([\s\S]*?)```\n\nprints\n\n```text\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README: the custom-objective block and its printed output');
  const out = await runModule('readme-example.mjs', block![1]);
  assert.is(out, block![2], 'the README shows what the example prints');
  // independently: every design simulated here, the non-dominated ones by pairwise comparison
  const sim = await simulator();
  const lenet = zooLayers('lenet');
  const designs = [32, 64, 128, 256].flatMap((xbar) => [4, 6, 8, 10].map((adc) => {
    const { totals } = sim.simulate(lenet, applySets(ARCH_PRESETS['gibbon-base'], [`xbar.size=${xbar}`, `adc.bits=${adc}`]), { model: 'gibbon' });
    return { xbar, adc, energy: totals.energyNj * 1e-3, area: totals.areaUm2 * 1e-6 };
  }));
  const dominated = (a: typeof designs[0]) => designs.some((b) => b.energy <= a.energy && b.area <= a.area && (b.energy < a.energy || b.area < a.area));
  const front = designs.filter((d) => !dominated(d)).sort((a, b) => a.energy - b.energy);
  const lines = out.trim().split('\n');
  assert.is(lines[0], `16 designs evaluated, ${front.length} on the front:`);
  assert.equal(lines.slice(1), front.map((d) => `xbar ${d.xbar} adc ${d.adc}: ${d.energy.toFixed(2)} uJ, ${d.area.toFixed(2)} mm2`));
});

test.run();
