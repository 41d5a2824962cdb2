// Node: finds gibbon.wasm next to the bundle (dist/) or in build/ during development.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSimulator, compileModule, type Simulator } from '../hw/simulator.ts';
import { GibbonError } from '../util/errors.ts';

export function wasmPath(): string {
  // dist/cli.js -> dist/gibbon.wasm; dist/node/*.js -> dist/gibbon.wasm; src/node/*.ts -> build/gibbon.wasm
  const candidates = [new URL('./gibbon.wasm', import.meta.url), new URL('../gibbon.wasm', import.meta.url), new URL('../../build/gibbon.wasm', import.meta.url), new URL('../build/gibbon.wasm', import.meta.url)];
  for (const u of candidates) { const p = fileURLToPath(u); if (existsSync(p)) return p; }
  throw new GibbonError('E_FILE', 'gibbon.wasm not found next to the bundle or in build/: run `npm run build`');
}

let modulePromise: Promise<WebAssembly.Module> | undefined;
export function wasmModule(): Promise<WebAssembly.Module> {
  modulePromise ??= readFile(wasmPath()).then((b) => compileModule(b));
  return modulePromise;
}

export async function loadSimulatorNode(): Promise<Simulator> {
  return loadSimulator(await wasmModule());
}
