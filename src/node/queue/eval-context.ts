// What one evaluation job means, by content (Node-only): the evaluation context (package version, space
// spec, dataset spec + hash, supernet hash, accuracy settings) is stored once in Redis under the SHA-256 of
// its JSON; a job carries only that hash, the split and the genome. So a job is data, never code, and a
// worker can check that everything it uses is what the search meant:
//   job.package === its own version   the context's bytes hash to job.context   the supernet's to its hash
//   the dataset it loads hashes to the context's dataset hash.
// The candidate hash (context, split, genome) names the result; the job id is (run id, candidate hash), so
// adding a job twice (a resumed search, a retried batch) is one job.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Dataset } from '../../data/types.ts';
import type { ArchConfig } from '../../hw/types.ts';
import type { SpaceSpec } from '../../space/types.ts';
import type { Genome } from '../../search/problem.ts';
import { genomeKey } from '../../search/problem.ts';
import pkg from '../../../package.json' with { type: 'json' };
import type { BlobRef } from './content-store.ts';
import { sha256Hex } from './content-store.ts';
import { Refusal } from './refusal.ts';

/** This build's package version: a worker runs only the jobs of a search of the same version. */
export const PACKAGE_VERSION: string = pkg.version;

export type EvalSplit = 'validation' | 'test';

export interface EvalContext {
  format: 'gibbon-eval-context';
  version: 1;
  package: string;
  space: SpaceSpec;
  dataset: { spec: string; hash: string };
  supernet: BlobRef;
  /** The accuracy settings of createGibbonEvaluator (limit, trials, non-idealities); testLimit: test images (absent: the whole split); finetuneSteps: fine-tuning steps per design (absent: none). */
  accuracy: { limit: number; testLimit?: number; trials: number; nonideal?: Partial<ArchConfig['nonideal']>; finetuneSteps?: number };
}

/** What a job carries: hashes and a genome. */
export interface EvalJobData {
  package: string;
  context: string;
  supernet: string;
  split: EvalSplit;
  genome: Genome;
}

export const contextKey = (prefix: string, hash: string) => `${prefix}:context:${hash}`;

/** The context's canonical JSON (its hash is its name). */
export const contextText = (c: EvalContext): string => JSON.stringify(c);

/** Stores the context under its hash (idempotent); returns the hash. */
export async function publishContext(redis: Redis, prefix: string, context: EvalContext): Promise<string> {
  const text = contextText(context);
  const hash = sha256Hex(text);
  await redis.set(contextKey(prefix, hash), text);
  return hash;
}

/** The context named by `hash`, checked: its bytes hash to `hash` and it is of this package version. */
export async function fetchContext(redis: Redis, prefix: string, hash: string): Promise<EvalContext> {
  const text = await redis.get(contextKey(prefix, hash));
  if (text === null) throw new Refusal(`context ${hash.slice(0, 12)}: not in Redis (${contextKey(prefix, hash)}); restart the search, which publishes it`);
  const got = sha256Hex(text);
  if (got !== hash) throw new Refusal(`context ${hash.slice(0, 12)}: the stored copy hashes to ${got.slice(0, 12)}; restart the search, which publishes it again`);
  const context = JSON.parse(text) as EvalContext;
  if (context.format !== 'gibbon-eval-context' || context.version !== 1) throw new Refusal(`context ${hash.slice(0, 12)}: format ${JSON.stringify(context.format)} v${JSON.stringify(context.version)}; this worker reads gibbon-eval-context v1 (update it)`);
  checkPackage(context.package, `context ${hash.slice(0, 12)}`);
  return context;
}

/** Refuses work of another package version: the numbers could differ. */
export function checkPackage(version: unknown, what: string): void {
  if (version !== PACKAGE_VERSION) {
    throw new Refusal(`${what}: made by gibbon-ts ${JSON.stringify(version)}, this worker is ${PACKAGE_VERSION}; run the same version on the search and every worker`);
  }
}

/** The hash that names a result: the context, the split and the genome. */
export function candidateHash(contextHash: string, split: EvalSplit, genome: Genome): string {
  return sha256Hex(`${contextHash}\n${split}\n${genomeKey(genome)}`);
}

/** BullMQ job id of a candidate in a run (BullMQ ids may not hold ':'). */
export const jobIdOf = (runId: string, candidate: string): string => `${runId}-${candidate}`;

const HEX64 = /^[0-9a-f]{64}$/;

/** Checks a job's data field by field (it comes from the network): a job is data, never code. */
export function checkJobData(data: unknown): EvalJobData {
  const d = data as Partial<EvalJobData> | null;
  const ok = typeof d === 'object' && d !== null && typeof d.package === 'string' &&
    typeof d.context === 'string' && HEX64.test(d.context) && typeof d.supernet === 'string' && HEX64.test(d.supernet) &&
    (d.split === 'validation' || d.split === 'test') && Array.isArray(d.genome) && d.genome.length <= 100_000 &&
    d.genome.every((g) => Number.isInteger(g) && g >= 0);
  if (!ok) throw new Refusal(`job data: got ${JSON.stringify(data).slice(0, 120)}; allowed: {package, context, supernet, split, genome} of a gibbon search`);
  checkPackage(d!.package, 'job');
  return d as EvalJobData;
}

/**
 * The dataset's content hash: name, shape, classes and every split's images and labels. The search puts it
 * in the context; a worker loads the dataset from the same spec on its own machine and must get the same.
 */
export function datasetHash(ds: Dataset): string {
  const parts: (string | Uint8Array)[] = [JSON.stringify({ shape: ds.shape, classes: ds.classes })];
  for (const s of [ds.train, ds.validation, ds.test]) parts.push(`|${s.count}|`, s.images, s.labels);
  return sha256Parts(parts);
}

function sha256Parts(parts: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}
