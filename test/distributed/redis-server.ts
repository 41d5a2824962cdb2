// A real redis-server for one test file: started on a free loopback port in its own temporary directory
// (no persistence, bound to 127.0.0.1 only), stopped by stop(). Not a test file (no `.test.` in the name).
// Tests register through `testRedis` (testNeeding): outside CI a missing redis-server skips them with one
// line; under CI it fails them (.ci/run installs the Debian package).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testNeeding } from '../system-tools.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';

/** `test` for a test that needs redis-server (see the header). */
export const testRedis = (file: string) => testNeeding(REDIS_SERVER, 'redis-server', file);

export interface RedisServer {
  readonly port: number;
  /** redis://[:password@]127.0.0.1:port */
  readonly url: string;
  readonly dir: string;
  /** SIGTERM, wait for the exit (SIGKILL after 5 s), remove the directory; idempotent. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the kernel's pick for port 0 on 127.0.0.1). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once a TCP connection to the port succeeds; rejects after `timeoutMs`. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`redis-server: port ${port} not listening after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts redis-server (with `password`: requirepass). Retries on another port if the first was taken. */
export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
  for (let attempt = 0; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'gibbon-redis-'));
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
    if (options.password !== undefined) args.push('--requirepass', options.password);
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += String(d); });
    try {
      await waitForPort(port, child, 10_000);
    } catch (e) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      if (attempt < 3) continue;
      throw new Error(`${(e as Error).message}: ${stderr.trim()}`);
    }
    // a test file that crashes before stop() must not leave the server running
    const orphanGuard = () => { child.kill('SIGKILL'); };
    process.once('exit', orphanGuard);
    let stopped: Promise<void> | undefined;
    const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
    return {
      port, dir, url: `redis://${auth}127.0.0.1:${port}`,
      stop: () => (stopped ??= new Promise<void>((resolve) => {
        process.off('exit', orphanGuard);
        const done = () => { clearTimeout(hard); rmSync(dir, { recursive: true, force: true }); resolve(); };
        const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
        if (child.exitCode !== null || child.signalCode !== null) { done(); return; }
        child.once('exit', done);
        child.kill('SIGTERM');
      })),
    };
  }
}
