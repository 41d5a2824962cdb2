// `gibbon worker`: a long-running process that takes evaluation jobs of `gibbon search --redis` from a
// BullMQ queue and evaluates them on this machine (docs/distributed.md). Joins and leaves at any time:
// SIGINT / SIGTERM finish the running jobs and leave; a second signal leaves at once (the jobs return to
// the queue when their lock expires, --lock-ms). A job whose inputs do not match their hashes is refused:
// the job is dead-lettered with the reason (the search stops and says so) and this worker stops (exit 6).
import { parseArgs } from 'node:util';
import { availableParallelism, hostname } from 'node:os';
import { workersFlag } from './flags.ts';
import { join } from 'node:path';
import { GibbonError } from '../util/errors.ts';

export const WORKER_HELP = `gibbon worker --redis <url> [options]

Evaluates the candidates of searches started with \`gibbon search --redis <url>\` (docs/distributed.md):
hardware metrics, accuracy through the search's supernet on the functional simulator, test accuracy.
Start one per machine (or several); they may join or leave during a search.

  --redis <url>           redis://[user:password@]host[:port][/db], or rediss://... for TLS
  --queue <name>          the queue, as given to gibbon search (default gibbon)
  --concurrency <n>       jobs evaluated at once (default 2: one computes while the other waits on the pool)
  --workers <n>           simulator threads of this worker (default: one per core)
  --cache <dir>           where fetched supernets are kept by hash (default .gibbon-cache/blobs)
  --share <dir>           this machine's path of the directory given to gibbon search --share
  --lock-ms <ms>          a job whose worker is silent this long runs again elsewhere (default 30000)

Stop with Ctrl-C (SIGINT) or SIGTERM: running jobs finish first; a second signal leaves at once.
`;

const WORKER_FLAGS = {
  redis: { type: 'string' }, queue: { type: 'string' }, concurrency: { type: 'string' }, workers: { type: 'string' },
  cache: { type: 'string' }, share: { type: 'string' }, 'lock-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const;

function int(raw: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < min || v > max) throw new GibbonError('E_OPTION', `--${flag}: got ${JSON.stringify(raw)}; allowed: an integer in ${min}..${max}`);
  return v;
}

export interface WorkerCommandOptions {
  /** Where the log lines go (default process.stderr). */
  log?: (line: string) => void;
  /** Resolves when the worker should stop (default: SIGINT / SIGTERM). */
  signals?: NodeJS.Process;
}

export async function runWorkerCommand(argv: string[], print: (s: string) => void, opts: WorkerCommandOptions = {}): Promise<void> {
  const { values: v } = parseArgs({ args: argv, options: WORKER_FLAGS, allowPositionals: false, strict: true });
  if (v.help === true) { print(WORKER_HELP); return; }
  if (v.redis === undefined) throw new GibbonError('E_OPTION', '--redis: missing; allowed: the Redis URL the search uses, e.g. --redis redis://:password@10.0.0.5:6379');
  const log = opts.log ?? ((line: string) => { process.stderr.write(`${line}\n`); });
  // Node-only queue code loads only for this command
  const { redisOptionsOf, redisLabel } = await import('../node/queue/redis-url.ts');
  const { checkQueueName, connectRedis, contentPrefix, startJobWorker, DEFAULT_QUEUE, DEFAULT_LOCK_MS } = await import('../node/queue/eval-queue.ts');
  const { createJobEvaluation } = await import('../node/queue/worker-evaluation.ts');
  const { Refusal } = await import('../node/queue/refusal.ts');
  const connection = redisOptionsOf(v.redis);
  const queue = checkQueueName(v.queue ?? DEFAULT_QUEUE);
  const concurrency = int(v.concurrency, 'concurrency', 2, 1, 64);
  const threads = workersFlag(v.workers, availableParallelism());
  const lockMs = int(v['lock-ms'], 'lock-ms', DEFAULT_LOCK_MS, 1000, 3_600_000);
  const redis = await connectRedis(connection);
  const me = `${hostname()}:${process.pid}`;
  const evaluation = createJobEvaluation({ redis, prefix: contentPrefix(queue), cacheDir: v.cache ?? join('.gibbon-cache', 'blobs'), share: v.share, threads });

  let refused: string | undefined;
  let stopping: Promise<void> | undefined;
  let done = 0;
  const worker = startJobWorker({
    connection, queue, concurrency, lockMs,
    process: (data) => evaluation.evaluate(data),
    permanent: (error) => (error instanceof Refusal ? `worker ${me} refused: ${error.message}` : undefined),
    onStarted: (id) => log(`worker ${me}: job ${id} started`),
    onCompleted: (id, ms) => { done++; log(`worker ${me}: job ${id} done in ${Math.round(ms)} ms (${done} so far)`); },
    onFailed: (id, message) => {
      log(`worker ${me}: job ${id} failed: ${message}`);
      if (message.startsWith(`worker ${me} refused: `) && refused === undefined) { refused = message; void stop(false); }
    },
  });

  const signals = opts.signals ?? process;
  let finished!: () => void;
  const stopped = new Promise<void>((resolve) => { finished = resolve; });
  const stop = (force: boolean): Promise<void> => {
    if (stopping !== undefined && !force) return stopping;
    stopping = (async () => {
      await worker.close(force);
      await evaluation.dispose();
      redis.disconnect();
      finished();
    })();
    return stopping;
  };
  let signalsSeen = 0;
  const onSignal = () => {
    signalsSeen++;
    if (signalsSeen === 1) {
      log(`worker ${me}: stopping after the running job(s) (a second Ctrl-C leaves now; its jobs run elsewhere after ${lockMs} ms)`);
      void stop(false);
    } else {
      log(`worker ${me}: leaving now`);
      process.exit(130);
    }
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  try {
    await worker.waitUntilReady();
    log(`worker ${me}: on queue ${queue} at ${redisLabel(connection)}, ${concurrency} job(s) at once, ${threads} simulator thread(s); waiting for jobs`);
    await stopped;
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
  if (refused !== undefined) throw new GibbonError('E_QUEUE', `${refused}; this worker stopped (fix it, then start it again)`);
  log(`worker ${me}: stopped after ${done} job(s)`);
}
