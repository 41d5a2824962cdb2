// Development only (running from src/ under tsx): tsx's loader hooks do not reach worker threads, so
// Piscina loads this plain-JS file, which imports the TypeScript worker through tsx's API (toolchain.md §2).
// Production uses the esbuild bundle dist/node/sim-worker.js instead.
import { tsImport } from 'tsx/esm/api';

const mod = await tsImport('./sim-worker.ts', import.meta.url);
export default mod.default;
export const runPim = mod.runPim;
