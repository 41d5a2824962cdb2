// The simulate panel's logic, apart from the page: the form's choices -> the same job `gibbon simulate`
// builds (src/cli/simulate.ts: zoo name or network file, arch preset or file, --set overrides, model,
// pipeline), and its result as `gibbon simulate --json` prints it. Web-standard.
import { ARCH_PRESETS, applySets, resolveArch } from '../hw/arch.ts';
import { checkNetworkAgainstArch, resolveNetwork } from '../hw/network.ts';
import { ZOO, zooNames, type ZooName } from '../hw/zoo.ts';
import type { SimJob } from '../hw/simulator.ts';
import type { ModelName, SimResult } from '../hw/types.ts';
import { toPublicJson, type PublicSimulation } from '../report/hw-json.ts';
import { GibbonError, formatValue } from '../util/errors.ts';
import { baseName, parseJsonFile, type PickedFile } from './files.ts';

export const MODELS: readonly ModelName[] = ['gibbon', 'mnsim-2.0'];

/** What the panel's form holds (named like the CLI flags of gibbon simulate). */
export interface SimulateForm {
  /** A zoo name, or the name of `netFile`. */
  net: string;
  netFile?: PickedFile;
  /** An arch preset, or the name of `archFile`. */
  arch: string;
  archFile?: PickedFile;
  model: string;
  pipeline: boolean;
  /** `path=value` overrides, applied in order (--set). */
  sets: readonly string[];
}

export interface SimulateRequest {
  job: SimJob;
  /** The names the public JSON carries. */
  network: string;
  archName: string;
}

/** The form -> one simulator job; bad input throws one GibbonError naming the field or file. */
export function simulateRequest(form: SimulateForm): SimulateRequest {
  if (!(MODELS as readonly string[]).includes(form.model)) {
    throw new GibbonError('E_OPTION', `model: got ${formatValue(form.model)}; allowed: ${MODELS.join(', ')}`);
  }
  let net: { name: string; layers: SimJob['layers']; source: string };
  if (Object.hasOwn(ZOO, form.net)) {
    net = { ...resolveNetwork(ZOO[form.net as ZooName], `network ${form.net}`), source: `network ${form.net}` };
  } else if (form.netFile !== undefined && form.netFile.name === form.net) {
    const source = baseName(form.netFile.name);
    net = { ...resolveNetwork(parseJsonFile(form.netFile), source), source };
  } else {
    throw new GibbonError('E_OPTION', `net: got ${formatValue(form.net)}; allowed: ${zooNames().join(', ')} or a network .json file`);
  }
  let arch, archName: string, archSource: string;
  if (Object.hasOwn(ARCH_PRESETS, form.arch)) {
    arch = structuredClone(ARCH_PRESETS[form.arch as keyof typeof ARCH_PRESETS]);
    archName = form.arch;
    archSource = `arch ${form.arch}`;
  } else if (form.archFile !== undefined && form.archFile.name === form.arch) {
    archName = archSource = baseName(form.archFile.name);
    arch = resolveArch(parseJsonFile(form.archFile), archName);
  } else {
    throw new GibbonError('E_OPTION', `arch: got ${formatValue(form.arch)}; allowed: ${Object.keys(ARCH_PRESETS).join(', ')} or an arch .json file`);
  }
  const sets = form.sets.map((s) => s.trim()).filter((s) => s !== '');
  if (sets.length > 0) arch = applySets(arch, sets);
  checkNetworkAgainstArch(net.layers, arch, net.source);
  return {
    job: { layers: net.layers, arch, options: { model: form.model as ModelName, pipeline: form.pipeline }, networkSource: net.source, archSource },
    network: net.name, archName,
  };
}

/** The result as `gibbon simulate --json` prints it. */
export function publicSimulation(request: SimulateRequest, result: SimResult): PublicSimulation {
  return toPublicJson(result, request.network, request.archName);
}
