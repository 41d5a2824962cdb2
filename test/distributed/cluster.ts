// Real processes for the distributed tests (not a test file): `gibbon worker` and `gibbon search` from the
// built CLI (bin/gibbon.mjs), each with its stderr kept for messages, killed by signal on request.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gibbon.mjs');

export interface Proc {
  readonly child: ChildProcess;
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves once stderr contains `text` (rejects if the process exits first or after `timeoutMs`). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
}

export function gibbon(args: string[], cwd?: string): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd, env: { ...process.env, NO_COLOR: '1' } });
  let err = '';
  child.stderr!.on('data', (d) => { err += String(d); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr: err }));
  });
  let done = false;
  void exited.then(() => { done = true; });
  const matches = (t: string | RegExp) => (typeof t === 'string' ? err.includes(t) : t.test(err));
  return {
    child, exited, stderr: () => err,
    waitFor: (text, timeoutMs = 120_000) => new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const tick = setInterval(() => {
        if (matches(text)) { clearInterval(tick); resolve(); } else if (done || Date.now() - t0 > timeoutMs) {
          clearInterval(tick);
          reject(new Error(`${done ? 'exited' : `${timeoutMs} ms passed`} before stderr held ${String(text)}; stderr:\n${err}`));
        }
      }, 20);
    }),
  };
}

/**
 * A `gibbon worker` on the test's Redis, with a lock of 10 s (not the default 30 s) so a killed worker's job
 * comes back sooner; not shorter: a worker's first job loads the dataset and tfjs, which can hold its event
 * loop (and so its lock renewal) for seconds on a loaded machine, and a lock that expires then makes the job
 * look stalled.
 */
export function worker(url: string, queue: string, cacheDir: string, extra: string[] = []): Proc {
  return gibbon(['worker', '--redis', url, '--queue', queue, '--concurrency', '1', '--workers', '1', '--cache', cacheDir, '--lock-ms', '10000', ...extra]);
}

/** Stops a process: SIGKILL if it is still running; resolves when it has exited. */
export async function kill(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}

export const journalLines = (out: string): number =>
  (existsSync(join(out, 'journal.jsonl')) ? readFileSync(join(out, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l !== '').length : 0);

export const readRun = (out: string) => ({
  front: readFileSync(join(out, 'front.json'), 'utf8'),
  journal: readFileSync(join(out, 'journal.jsonl'), 'utf8'),
});
