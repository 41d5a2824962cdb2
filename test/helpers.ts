// Shared test helpers: one simulator per process, networks from the zoo, relative comparisons.
import * as assert from 'uvu/assert';
import { GibbonError, type ErrorCode } from '../src/util/errors.ts';
import { createSimWorkerHandler, type ToWorker } from '../src/pool/worker-protocol.ts';
import type { WorkerLike } from '../src/web/pool.ts';
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

/** error is a GibbonError with exactly this code (unless undefined) and message. */
function isGibbon(error: unknown, code: ErrorCode | undefined, message: string): void {
  assert.instance(error, GibbonError);
  if (code !== undefined) assert.is((error as GibbonError).code, code, `code of: ${(error as GibbonError).message}`);
  assert.is((error as GibbonError).message, message);
}

/** fn throws a GibbonError with exactly this code (unless undefined) and message. */
export function throwsGibbon(fn: () => unknown, code: ErrorCode | undefined, message: string): void {
  try {
    fn();
  } catch (error) {
    isGibbon(error, code, message);
    return;
  }
  assert.unreachable(`expected GibbonError: ${message}`);
}

/** run() rejects (or throws) with a GibbonError of exactly this code (unless undefined) and message. */
export async function rejectsGibbon(run: () => Promise<unknown>, code: ErrorCode | undefined, message: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    isGibbon(error, code, message);
    return;
  }
  assert.unreachable(`expected GibbonError: ${message}`);
}

/** A Web-Worker stand-in: one end of a MessageChannel, the browser worker protocol on the other end. */
export function channelWorker(): WorkerLike {
  const { port1, port2 } = new MessageChannel();
  const handle = createSimWorkerHandler((message, transfer) => port2.postMessage(message, transfer));
  port2.addEventListener('message', (event) => { void handle((event as MessageEvent<ToWorker>).data); });
  port2.start();
  port1.start();
  return {
    postMessage: (message, transfer) => port1.postMessage(message, transfer),
    addEventListener: (type: string, listener: (event: never) => void) => port1.addEventListener(type, listener as EventListener),
    close: () => { port1.close(); port2.close(); },
  } as WorkerLike;
}
