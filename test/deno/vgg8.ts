// Runs VGG8 on the MNSIM-2.0 default architecture under Deno, importing only the web-standard shared
// code (src/hw/*.ts, assembly/layout.ts and what they import), and prints the results as one JSON line:
// { "mnsim-2.0": SimResult, "gibbon": SimResult }. test/runtime/deno.test.ts compares it with Node's.
// Run: node_modules/.bin/deno run --allow-read test/deno/vgg8.ts
import { loadSimulator } from '../../src/hw/simulator.ts';
import { ARCH_PRESETS } from '../../src/hw/arch.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import { ZOO } from '../../src/hw/zoo.ts';

declare const Deno: { readFile(path: string | URL): Promise<Uint8Array<ArrayBuffer>> };

const bytes = await Deno.readFile(new URL('../../build/gibbon.wasm', import.meta.url));
const sim = await loadSimulator(bytes);
const { layers } = resolveNetwork(ZOO.vgg8, 'network vgg8');
const arch = ARCH_PRESETS['mnsim-default'];
const out = {
  'mnsim-2.0': sim.simulate(layers, arch, { model: 'mnsim-2.0', pipeline: true }),
  gibbon: sim.simulate(layers, arch, { model: 'gibbon', pipeline: true }),
};
console.log(JSON.stringify(out));
