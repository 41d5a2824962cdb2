// The transport of distributed evaluation, on BullMQ (Node-only). Generic: a job is JSON data under a
// caller-chosen id, its result is JSON; src/node/queue/remote-evaluator.ts and worker-evaluation.ts give
// them their Gibbon meaning.
//
// Guarantees and how they are met:
// * Idempotent jobs: the id is the caller's (run id, candidate hash); BullMQ adds a job whose id exists as
//   a no-op, so a resumed search re-attaches to the jobs it queued before and to results already computed.
// * Retries: `attempts` tries with exponential backoff; a job that fails them all stays in BullMQ's failed
//   set, the dead-letter state, counted by status() and reported by collect() (never retried forever).
// * A worker killed mid-job: its lock (lockMs) is no longer renewed, another worker's stalled check puts the
//   job back in the wait list and it runs again elsewhere (maxStalledCount times, then dead-letter).
// * Results in any order: collect() returns them keyed by job id; the caller reads them in its own order.
// * A job missing altogether (Redis restarted without persistence, someone deleted it) is added again.
import { Job, Queue, QueueEvents, UnrecoverableError, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { GibbonError } from '../../util/errors.ts';
import { redisLabel, type RedisConnectionOptions } from './redis-url.ts';

export const DEFAULT_QUEUE = 'gibbon';
/** Tries of one job before the dead-letter state. */
export const DEFAULT_ATTEMPTS = 3;
/** First retry delay; doubled at each further try. */
export const RETRY_BACKOFF_MS = 2000;
/** A worker that has not renewed a job's lock for this long is taken for dead. */
export const DEFAULT_LOCK_MS = 30_000;
/** Times a job may lose its worker before it is dead-lettered (a job that kills every worker stops there). */
export const MAX_STALLED = 3;
/** Finished jobs are kept this long, so a search resumed within a week finds its results. */
const KEEP_S = 7 * 24 * 3600;

const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function checkQueueName(name: string, flag = '--queue'): string {
  if (!QUEUE_NAME.test(name)) throw new GibbonError('E_OPTION', `${flag}: got ${JSON.stringify(name)}; allowed: 1-64 letters, digits, '_', '.', '-'`);
  return name;
}

/** BullMQ's key prefix; content (contexts, blobs) lives beside the queue under `${prefix}:${queue}`. */
const BULL_PREFIX = 'gibbon';
export const contentPrefix = (queue: string) => `${BULL_PREFIX}:${queue}`;

/** A connected Redis client for content, failing in one line when the server cannot be reached. */
export async function connectRedis(options: RedisConnectionOptions): Promise<Redis> {
  const redis = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 1 });
  // the first error says most (ECONNREFUSED, WRONGPASS); later connection losses are retried by ioredis
  let firstError: Error | undefined;
  redis.on('error', (e: Error) => { firstError ??= e; });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new GibbonError('E_QUEUE', `--redis: cannot use the Redis server at ${redisLabel(options)} (${(firstError ?? (e as Error)).message}); check the host, port, password and TLS, and that redis-server runs`);
  }
  return redis;
}

export interface JobOutcome {
  id: string;
  state: 'completed' | 'dead';
  result?: unknown;
  /** The last failure's message (dead only). */
  reason?: string;
  attempts: number;
}

export interface QueueStatus {
  /** Workers connected to the queue now. */
  workers: number;
  /** Jobs of this queue in the dead-letter (failed) state. */
  dead: number;
  /** Jobs waiting for a worker. */
  waiting: number;
}

/** The search side: adds jobs, waits for their outcomes, reports the queue's state. */
export class JobClient {
  readonly queue: Queue;
  readonly #events: QueueEvents;
  readonly #options: JobsOptions;
  #wake: (() => void) | undefined;
  #closed = false;

  private constructor(queue: Queue, events: QueueEvents, attempts: number) {
    this.queue = queue;
    this.#events = events;
    this.#options = {
      attempts, backoff: { type: 'exponential', delay: RETRY_BACKOFF_MS },
      removeOnComplete: { age: KEEP_S }, removeOnFail: { age: KEEP_S },
    };
    const wake = () => this.#wake?.();
    events.on('completed', wake);
    events.on('failed', wake);
  }

  static async open(connection: RedisConnectionOptions, name: string, attempts = DEFAULT_ATTEMPTS): Promise<JobClient> {
    const queue = new Queue(name, { connection, prefix: BULL_PREFIX });
    const events = new QueueEvents(name, { connection, prefix: BULL_PREFIX });
    queue.on('error', () => {});
    events.on('error', () => {});
    await events.waitUntilReady();
    return new JobClient(queue, events, attempts);
  }

  /**
   * Adds each job unless its id exists; a job of that id in the dead-letter state is tried again
   * (this is how a resumed search takes back a job that failed in an earlier session).
   */
  async submit(jobs: ReadonlyArray<{ id: string; data: object }>): Promise<void> {
    for (const { id, data } of jobs) {
      const existing = await Job.fromId(this.queue, id);
      if (existing === undefined) { await this.queue.add('eval', data, { ...this.#options, jobId: id }); continue; }
      if (await existing.isFailed()) await existing.retry('failed', { resetAttemptsMade: true });
    }
  }

  /**
   * Waits until every job is completed or dead; resolves with the outcomes keyed by id. `onWait` is called
   * about every `statusMs` while jobs are outstanding (progress lines). Woken by BullMQ's events, and
   * polls every 500 ms too (an event published before the wait began is not replayed).
   */
  async collect(ids: readonly string[], onWait?: (s: QueueStatus, outstanding: number) => void, statusMs = 2000): Promise<Map<string, JobOutcome>> {
    const outcomes = new Map<string, JobOutcome>();
    const pending = new Set(ids);
    let lastStatus = -Infinity;
    while (pending.size > 0) {
      if (this.#closed) throw new GibbonError('E_QUEUE', 'the job client was closed while jobs were outstanding');
      const woken = new Promise<void>((resolve) => { this.#wake = resolve; setTimeout(resolve, 500); });
      for (const id of [...pending]) {
        // the state first, then the job: read the other way round, a job that completes in between shows
        // state 'completed' with the returnvalue of its active moment (null). A finished job stays finished.
        const state = await this.queue.getJobState(id);
        if (state === 'unknown') throw new LostJob(id); // lost from Redis: the caller's submit() adds it again
        if (state !== 'completed' && state !== 'failed') continue;
        const job = await Job.fromId(this.queue, id);
        if (job === undefined) throw new LostJob(id);
        if (state === 'completed') {
          outcomes.set(id, { id, state: 'completed', result: job.returnvalue, attempts: job.attemptsMade });
          pending.delete(id);
        } else if (state === 'failed') {
          outcomes.set(id, { id, state: 'dead', reason: job.failedReason, attempts: job.attemptsMade });
          pending.delete(id);
        }
      }
      if (pending.size === 0) break;
      if (onWait && performance.now() - lastStatus >= statusMs) {
        lastStatus = performance.now();
        onWait(await this.status(), pending.size);
      }
      await woken;
    }
    return outcomes;
  }

  async status(): Promise<QueueStatus> {
    const [workers, counts] = await Promise.all([this.queue.getWorkersCount(), this.queue.getJobCounts('failed', 'wait', 'prioritized', 'delayed')]);
    return { workers, dead: counts.failed ?? 0, waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await Promise.allSettled([this.#events.close(), this.queue.close()]);
  }
}

/** A job that is no longer in Redis at all. */
export class LostJob extends Error {
  constructor(readonly id: string) { super(`job ${id} is no longer in Redis`); }
}

export interface JobWorkerOptions {
  connection: RedisConnectionOptions;
  queue: string;
  concurrency: number;
  lockMs?: number;
  /** Computes one job's result (JSON). A throw is a failed attempt (retried by BullMQ, on any worker). */
  process: (data: unknown, id: string) => Promise<unknown>;
  /** The message of an error that no retry can cure (the job goes straight to the dead-letter state), else undefined. */
  permanent?: (error: unknown) => string | undefined;
  /** A failed attempt, with its message (for the worker's log). */
  onFailed?: (id: string, message: string) => void;
  onCompleted?: (id: string, ms: number) => void;
  onStarted?: (id: string) => void;
}

/** The worker side: a BullMQ worker on the queue. close() lets running jobs finish; close(true) returns them. */
export function startJobWorker(o: JobWorkerOptions): Worker {
  const lockDuration = o.lockMs ?? DEFAULT_LOCK_MS;
  const started = new Map<string, number>();
  const worker = new Worker(o.queue, async (job) => {
    started.set(job.id!, performance.now());
    o.onStarted?.(job.id!);
    try {
      return await o.process(job.data, job.id!);
    } catch (error) {
      const message = o.permanent?.(error);
      throw message === undefined ? error : new UnrecoverableError(message);
    }
  }, {
    connection: o.connection, prefix: BULL_PREFIX, concurrency: o.concurrency,
    lockDuration, stalledInterval: lockDuration, maxStalledCount: MAX_STALLED,
    // results are collected by the search; keep them (the queue's job options age them out)
  });
  worker.on('failed', (job, error) => { if (job?.id) { started.delete(job.id); o.onFailed?.(job.id, error.message); } });
  worker.on('completed', (job) => {
    const t0 = started.get(job.id!);
    started.delete(job.id!);
    if (t0 !== undefined) o.onCompleted?.(job.id!, performance.now() - t0);
  });
  worker.on('error', () => {});
  return worker;
}
