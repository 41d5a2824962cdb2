// Where a worker thread's script is, for the files that are both sides of a worker (train-worker.ts,
// grad-helpers.ts): the bundle in dist/node/, or, when running from src/ under tsx, the TypeScript itself,
// loaded through tsx's API (tsx's hooks do not reach worker threads; docs/toolchain.md §2).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GibbonError } from '../util/errors.ts';

/**
 * The Worker arguments for the script `bundle` (e.g. 'train-worker.js'), given the calling module's
 * import.meta.url. `what` names the command in the error when the bundle is missing.
 */
export function workerScript(moduleUrl: string, bundle: string, what: string): { code: string; eval: boolean } {
  // inside a worker loaded through tsx's API the URL carries a ?tsx-namespace query
  const here = moduleUrl.replace(/\?.*$/, '');
  if (here.endsWith('.ts')) {
    const code = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(here)}, ${JSON.stringify(here)}))` +
      '.catch((e) => { console.error(e); process.exit(70); });';
    return { code, eval: true };
  }
  // the module is either that bundle's own code (dist/node/) or bundled into dist/cli.js
  for (const url of [new URL(`./${bundle}`, here), new URL(`./node/${bundle}`, here)]) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return { code: path, eval: false };
  }
  throw new GibbonError('E_FILE', `${what}: the worker script dist/node/${bundle} is missing; run \`npm run build\``);
}
