// The search side of distributed evaluation (Node-only): publishes what workers need (the evaluation
// context and the supernet, by content hash), then evaluates genomes by queueing one job per genome and
// waiting for all of them. Results come back in any order and are returned in the genomes' order, so the
// search consumes them exactly as it consumes the local evaluator's: the run is byte-identical whatever the
// number of workers. Same interface as createGibbonEvaluator (src/evaluate/gibbon-evaluator.ts).
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { Dataset } from '../../data/types.ts';
import type { GibbonEvaluator } from '../../evaluate/gibbon-evaluator.ts';
import type { Genome, Metrics } from '../../search/problem.ts';
import type { Space } from '../../space/space.ts';
import { GibbonError } from '../../util/errors.ts';
import { publishBlob, sha256Hex } from './content-store.ts';
import { candidateHash, datasetHash, jobIdOf, publishContext, PACKAGE_VERSION, type EvalContext, type EvalJobData, type EvalSplit } from './eval-context.ts';
import { JobClient, LostJob, checkQueueName, connectRedis, contentPrefix, DEFAULT_QUEUE, type QueueStatus } from './eval-queue.ts';
import { redisLabel, redisOptionsOf } from './redis-url.ts';

export interface RemoteEvaluationOptions {
  /** The --redis URL. */
  url: string;
  queue?: string;
  /** Publish the supernet into this shared directory instead of Redis. */
  share?: string;
  /** Tries per job before the dead-letter state. */
  attempts?: number;
  /** The run directory: its path names the run (job ids), so a resume re-attaches to its jobs. */
  out: string;
  space: Space;
  /** The supernet checkpoint file's bytes (what the local search would load). */
  supernetBytes: Uint8Array;
  dataset: Dataset;
  /** The dataset spec as given (each worker loads it from the same spec on its machine). */
  datasetSpec: string;
  accuracy: EvalContext['accuracy'];
  /** Called while jobs are outstanding (about every 2 s) and after each batch. */
  onStatus?: (status: QueueStatus, outstanding: number) => void;
}

export interface RemoteEvaluation {
  /** An evaluator of `split` whose evaluations run on the queue's workers. */
  evaluator(split: EvalSplit): GibbonEvaluator;
  /** "workers N dead D" from the latest status (empty before the first). */
  statusText(): string;
  readonly runId: string;
  readonly where: string;
  close(): Promise<void>;
}

/** The run id of a run directory on this host (stable across resumes of it). */
export const runIdOf = (out: string): string => sha256Hex(`${hostname()}\n${resolve(out)}`).slice(0, 16);

/** Checks a job's result: a metrics record of numbers. */
function checkMetrics(result: unknown, id: string): Metrics {
  const ok = typeof result === 'object' && result !== null && !Array.isArray(result) &&
    Object.values(result).every((v) => typeof v === 'number');
  if (!ok) throw new GibbonError('E_QUEUE', `--redis: job ${id}: got the result ${JSON.stringify(result)?.slice(0, 120)}; allowed: a metrics record of numbers (is every worker a gibbon worker of version ${PACKAGE_VERSION}?)`);
  return result as Metrics;
}

export async function startRemoteEvaluation(o: RemoteEvaluationOptions): Promise<RemoteEvaluation> {
  const connection = redisOptionsOf(o.url);
  const queue = checkQueueName(o.queue ?? DEFAULT_QUEUE);
  const redis: Redis = await connectRedis(connection);
  let client: JobClient | undefined;
  try {
    const prefix = contentPrefix(queue);
    const supernet = await publishBlob(redis, prefix, o.supernetBytes, o.share);
    const context: EvalContext = {
      format: 'gibbon-eval-context', version: 1, package: PACKAGE_VERSION, space: o.space.spec,
      dataset: { spec: o.datasetSpec, hash: datasetHash(o.dataset) }, supernet, accuracy: o.accuracy,
    };
    const contextHash = await publishContext(redis, prefix, context);
    client = await JobClient.open(connection, queue, o.attempts);
    const jobs = client;
    const runId = runIdOf(o.out);
    let last: QueueStatus | undefined;
    const onWait = (s: QueueStatus, outstanding: number) => { last = s; o.onStatus?.(s, outstanding); };

    const evaluator = (split: EvalSplit): GibbonEvaluator => {
      let evaluations = 0;
      return {
        space: o.space,
        get evaluations() { return evaluations; },
        candidate: (genome) => o.space.decode(genome),
        async evaluate(genomes: Genome[]): Promise<Metrics[]> {
          const batch = genomes.map((genome) => {
            const data: EvalJobData = { package: PACKAGE_VERSION, context: contextHash, supernet: supernet.hash, split, genome: [...genome] };
            return { id: jobIdOf(runId, candidateHash(contextHash, split, genome)), data };
          });
          let outcomes;
          for (;;) {
            await jobs.submit(batch);
            try { outcomes = await jobs.collect(batch.map((j) => j.id), onWait); break; } catch (e) {
              if (!(e instanceof LostJob)) throw e; // a lost job: submit (adds it again) and wait again
            }
          }
          onWait(await jobs.status(), 0);
          const dead = batch.map((j) => outcomes.get(j.id)!).filter((x) => x.state === 'dead');
          if (dead.length > 0) {
            const d = dead[0];
            throw new GibbonError('E_QUEUE', `--redis: job ${d.id} failed ${d.attempts} time(s) (${dead.length} of this batch dead), last: ${d.reason}; the run directory is intact: fix the workers, then run the same command with --resume (dead jobs are tried again)`);
          }
          evaluations += genomes.length;
          return batch.map((j) => checkMetrics(outcomes.get(j.id)!.result, j.id));
        },
      };
    };
    return {
      evaluator, runId, where: `queue ${queue} at ${redisLabel(connection)}`,
      statusText: () => (last === undefined ? '' : `workers ${last.workers} dead ${last.dead}`),
      async close() { await jobs.close(); redis.disconnect(); },
    };
  } catch (e) {
    await client?.close();
    redis.disconnect();
    throw e;
  }
}
