// Shared test helpers: one simulator per process, networks from the zoo, relative comparisons.
import * as assert from 'uvu/assert';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import type { Simulator } from '../src/hw/simulator.ts';
import { resolveNetwork } from '../src/hw/network.ts';
import { ZOO, type ZooName } from '../src/hw/zoo.ts';
import { ARCH_PRESETS, applySets } from '../src/hw/arch.ts';
import type { ArchConfig, ResolvedLayer } from '../src/hw/types.ts';

let sim: Promise<Simulator> | undefined;
export function simulator(): Promise<Simulator> { return (sim ??= loadSimulatorNode()); }

export function zooLayers(name: ZooName): ResolvedLayer[] { return resolveNetwork(ZOO[name], `network ${name}`).layers; }

export function arch(preset: keyof typeof ARCH_PRESETS = 'mnsim-default', sets: string[] = []): ArchConfig {
  const a = structuredClone(ARCH_PRESETS[preset]) as ArchConfig;
  return sets.length ? applySets(a, sets) : a;
}

/** |got - want| <= tol * |want| (tol relative; exact for want = 0). */
export function close(got: number, want: number, tol: number, what: string): void {
  const err = want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
  if (!(err <= tol)) assert.unreachable(`${what}: got ${got}, want ${want} (relative error ${err.toExponential(2)} > ${tol})`);
}
