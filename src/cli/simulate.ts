// `gibbon simulate`: one network on one architecture, as a readable report or the public JSON.
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { ARCH_PRESETS, applySets, resolveArch } from '../hw/arch.ts';
import { resolveNetwork, checkNetworkAgainstArch } from '../hw/network.ts';
import { ZOO, zooNames, type ZooName } from '../hw/zoo.ts';
import type { ArchConfig, ModelName } from '../hw/types.ts';
import { loadSimulatorNode } from '../node/simulator.ts';
import { toPublicJson } from '../report/hw-json.ts';
import { formatSimulation } from '../report/hw-table.ts';
import { GibbonError } from '../util/errors.ts';
import { readJsonFile } from './io.ts';

export const SIMULATE_HELP = `gibbon simulate --net <zoo name|file.json> [options]

Behavior-level simulation of a network on a memristor PIM accelerator (area, power, latency,
energy, EDP per layer and in total).

  --net <name|file>        ${zooNames().join(', ')}, or a network JSON file (docs/model.md)
  --arch <preset|file>     ${Object.keys(ARCH_PRESETS).join(', ')} (default mnsim-default), or an arch JSON file
  --model <name>           gibbon (default: MNSIM's quirks corrected) or mnsim-2.0 (MNSIM exactly)
  --no-pipeline            layer-by-layer schedule instead of the inter-layer pipeline
  --set <path=value>       override one architecture field; repeatable (e.g. --set xbar.size=128)
  --json                   print one JSON object (the frozen public contract) instead of tables
`;

const MODELS: readonly ModelName[] = ['gibbon', 'mnsim-2.0'];

export interface SimulateInputs {
  network: { name: string; source: string };
  arch: ArchConfig;
  archName: string;
}

export function loadArch(spec: string | undefined): { arch: ArchConfig; name: string; source: string } {
  const name = spec ?? 'mnsim-default';
  if (Object.hasOwn(ARCH_PRESETS, name)) {
    return { arch: structuredClone(ARCH_PRESETS[name as keyof typeof ARCH_PRESETS]), name, source: `arch ${name}` };
  }
  if (!name.endsWith('.json')) {
    throw new GibbonError('E_OPTION', `--arch: got ${JSON.stringify(name)}; allowed: ${Object.keys(ARCH_PRESETS).join(', ')} or a .json file`);
  }
  return { arch: resolveArch(readJsonFile(name, 'architecture'), basename(name)), name: basename(name), source: basename(name) };
}

export function loadNetwork(spec: string | undefined) {
  if (spec === undefined) throw new GibbonError('E_OPTION', `--net: missing; allowed: ${zooNames().join(', ')} or a network .json file`);
  if (Object.hasOwn(ZOO, spec)) return { ...resolveNetwork(ZOO[spec as ZooName], `network ${spec}`), source: `network ${spec}` };
  if (!spec.endsWith('.json')) {
    throw new GibbonError('E_OPTION', `--net: got ${JSON.stringify(spec)}; allowed: ${zooNames().join(', ')} or a network .json file`);
  }
  const source = basename(spec);
  return { ...resolveNetwork(readJsonFile(spec, 'network'), source), source };
}

export async function runSimulate(argv: string[], print: (s: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      net: { type: 'string' }, arch: { type: 'string' }, model: { type: 'string' },
      'no-pipeline': { type: 'boolean' }, set: { type: 'string', multiple: true }, json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true, allowPositionals: false,
  });
  if (values.help) { print(SIMULATE_HELP); return; }
  const model = (values.model ?? 'gibbon') as ModelName;
  if (!MODELS.includes(model)) throw new GibbonError('E_OPTION', `--model: got ${JSON.stringify(values.model)}; allowed: ${MODELS.join(', ')}`);
  const net = loadNetwork(values.net);
  let { arch, name: archName, source: archSource } = loadArch(values.arch);
  if (values.set?.length) arch = applySets(arch, values.set);
  checkNetworkAgainstArch(net.layers, arch, net.source);
  const sim = await loadSimulatorNode();
  const pipeline = !values['no-pipeline'];
  const result = sim.simulate(net.layers, arch, { model, pipeline }, { network: net.source, arch: archSource });
  const pub = toPublicJson(result, net.name, archName);
  print(values.json ? JSON.stringify(pub, null, 2) : formatSimulation(pub));
}
