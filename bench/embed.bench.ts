// µs per VGG8 and ResNet18 evaluation on mnsim-default (gibbon model) from each host, side by side in one
// run, three ways each: one call with the full result (Node Simulator.simulate; C gibbon_host_simulate with
// the public JSON; Python gibbon_sim.simulate), one call with totals only (a batch of one: simulateBatch
// with detail 'totals'; gibbon_host_simulate_batch with totals; simulate(detail="totals")), and one batch
// of BATCH architectures with totals only. Every round runs every host in turn; the figures are medians over
// ROUNDS rounds, with Node as the baseline (ratio = host µs / Node µs). Last line: one JSON object.
// Run: npm run bench:embed (needs wabt and libcjson-dev: make -C examples/c).
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import { ARCH_PRESETS } from '../src/hw/arch.ts';
import { resolveNetwork } from '../src/hw/network.ts';
import { ZOO } from '../src/hw/zoo.ts';
import { median } from './compare.ts';

const ROUNDS = 5;
const CALLS = 200;
const BATCH = 200;
const NETS = ['vgg8', 'resnet18'] as const;
const ARCH = 'mnsim-default';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'examples', 'c');

execFileSync('make', ['-s', '-C', example], { stdio: ['ignore', 'ignore', 'inherit'] });
const sim = await loadSimulatorNode();
const arch = structuredClone(ARCH_PRESETS[ARCH]);

interface Times { perCall: number; perCallTotals: number; batched: number }

function node(net: (typeof NETS)[number]): Times {
  const layers = resolveNetwork(ZOO[net], net).layers;
  sim.simulate(layers, arch);
  let t0 = performance.now();
  for (let i = 0; i < CALLS; i++) sim.simulate(layers, arch);
  const perCall = ((performance.now() - t0) * 1e3) / CALLS;
  t0 = performance.now();
  for (let i = 0; i < CALLS; i++) sim.simulateBatch([{ layers, arch }], { detail: 'totals' });
  const perCallTotals = ((performance.now() - t0) * 1e3) / CALLS;
  const jobs = Array.from({ length: BATCH }, () => ({ layers, arch }));
  t0 = performance.now();
  sim.simulateBatch(jobs, { detail: 'totals' });
  return { perCall, perCallTotals, batched: ((performance.now() - t0) * 1e3) / BATCH };
}

function c(net: string): Times {
  const out = JSON.parse(execFileSync(join(example, 'bench'), [net, ARCH, 'gibbon', String(CALLS), String(BATCH)], { encoding: 'utf8' }));
  return { perCall: out.per_call_us, perCallTotals: out.per_call_totals_us, batched: out.batched_us };
}

const PY = `
import json, sys, time, gibbon_sim
net, arch, calls, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
gibbon_sim.simulate(net, arch)
t0 = time.perf_counter()
for _ in range(calls): gibbon_sim.simulate(net, arch)
per_call = (time.perf_counter() - t0) * 1e6 / calls
t0 = time.perf_counter()
for _ in range(calls): gibbon_sim.simulate(net, arch, detail="totals")
per_call_totals = (time.perf_counter() - t0) * 1e6 / calls
t0 = time.perf_counter()
gibbon_sim.simulate_batch(net, [arch] * batch, detail="totals")
print(json.dumps({"per_call_us": per_call, "per_call_totals_us": per_call_totals, "batched_us": (time.perf_counter() - t0) * 1e6 / batch}))
`;
function python(net: string): Times {
  const out = JSON.parse(execFileSync('python3', ['-c', PY, net, ARCH, String(CALLS), String(BATCH)], {
    encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(root, 'python'), GIBBON_SIM_LIBRARY: join(example, 'libgibbon_host.so') },
  }));
  return { perCall: out.per_call_us, perCallTotals: out.per_call_totals_us, batched: out.batched_us };
}

const HOSTS = { node, c, python } as const;
type Host = keyof typeof HOSTS;
const samples: Record<string, number[]> = {};
const push = (key: string, v: number): void => { (samples[key] ??= []).push(v); };
for (let r = 0; r < ROUNDS; r++) {
  for (const net of NETS) {
    for (const host of Object.keys(HOSTS) as Host[]) {
      const m = HOSTS[host](net);
      push(`${host}.${net}.per_call_us`, m.perCall);
      push(`${host}.${net}.per_call_totals_us`, m.perCallTotals);
      push(`${host}.${net}.batched_us`, m.batched);
    }
  }
}
const summary: Record<string, number> = {};
for (const [key, xs] of Object.entries(samples)) summary[key] = Number(median(xs).toFixed(2));
console.log(`µs per evaluation, ${ARCH}, gibbon model, median of ${ROUNDS} rounds (${CALLS} calls, batches of ${BATCH}):`);
for (const net of NETS) {
  for (const mode of ['per_call_us', 'per_call_totals_us', 'batched_us']) {
    const base = summary[`node.${net}.${mode}`];
    const row = (Object.keys(HOSTS) as Host[]).map((h) => `${h} ${summary[`${h}.${net}.${mode}`].toFixed(1)} (${(summary[`${h}.${net}.${mode}`] / base).toFixed(2)}x)`);
    console.log(`  ${net.padEnd(9)} ${mode.padEnd(18)} ${row.join('  ')}`);
  }
}
console.log(JSON.stringify({ bench: 'embed', arch: ARCH, model: 'gibbon', rounds: ROUNDS, calls: CALLS, batch: BATCH, baseline: 'node', ...summary }));
