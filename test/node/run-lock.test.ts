// The run-directory lock with real processes: a live holder in another process is refused with its pid
// named; after that holder is SIGKILLed its lock is stale and taken over; a normal exit releases the
// lock; two takers racing for one dead holder's lock never both win.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE, lockRunDirectory, removeStaleLock } from '../../src/node/run-lock.ts';
import { GibbonError } from '../../src/util/errors.ts';

const LOCK_MODULE = fileURLToPath(new URL('../../src/node/run-lock.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'gibbon-lock-'));
let n = 0;
const newDir = (): string => mkdtempSync(join(root, `run${n++}-`));

/**
 * A node process that takes the lock of `dir`, prints HELD (or REFUSED <message>), then waits or exits.
 * With `go`, it first prints READY and spins until that file exists, so that racers start together.
 */
function holder(dir: string, then: 'wait' | 'exit', go?: string): ChildProcess {
  const code = `import { lockRunDirectory } from ${JSON.stringify(LOCK_MODULE)};
    import { existsSync } from 'node:fs';
    ${go ? `console.log('READY'); while (!existsSync(${JSON.stringify(go)})) {}` : ''}
    try { lockRunDirectory(${JSON.stringify(dir)}); console.log('HELD'); } catch (e) { console.log('REFUSED ' + e.message); process.exit(0); }
    ${then === 'wait' ? 'setInterval(() => {}, 1000);' : ''}`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The child's output lines, as they come. */
function lines(child: ChildProcess): { next(): Promise<string> } {
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  let buf = '';
  const push = (l: string): void => { const w = waiting.shift(); if (w) w(l); else queue.push(l); };
  child.stdout!.on('data', (b: Buffer) => { buf += b; let i; while ((i = buf.indexOf('\n')) >= 0) { push(buf.slice(0, i)); buf = buf.slice(i + 1); } });
  child.on('exit', () => { for (const w of waiting.splice(0)) w(`(exited) ${buf}`); });
  return { next: () => new Promise((resolve) => { const l = queue.shift(); if (l !== undefined) resolve(l); else if (child.exitCode !== null) resolve(`(exited) ${buf}`); else waiting.push(resolve); }) };
}
const firstLine = (child: ChildProcess): Promise<string> => lines(child).next();

const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => { if (child.exitCode !== null || child.signalCode !== null) resolve(); else child.on('exit', () => resolve()); });

test('a live holder in another process is refused, naming its pid, host and the file to delete', async () => {
  const dir = newDir();
  const child = holder(dir, 'wait');
  try {
    assert.is(await firstLine(child), 'HELD');
    const held = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    assert.is(held.pid, child.pid);
    assert.is(held.host, hostname());
    try { lockRunDirectory(dir); assert.unreachable('a second holder was let in'); } catch (e) {
      assert.instance(e, GibbonError);
      assert.is((e as GibbonError).code, 'E_FILE');
      assert.match((e as Error).message, `${dir}: run directory in use by gibbon search (pid ${child.pid} on ${hostname()}, since ${held.since});`);
      assert.match((e as Error).message, `if it is no longer running, delete ${join(dir, LOCK_FILE)}`);
    }
  } finally { child.kill('SIGKILL'); await exited(child); }
});

test('after kill -9 the lock is stale: it stays on disk and the next taker gets it', async () => {
  const dir = newDir();
  const child = holder(dir, 'wait');
  assert.is(await firstLine(child), 'HELD');
  child.kill('SIGKILL');
  await exited(child);
  assert.ok(existsSync(join(dir, LOCK_FILE)), 'kill -9 cannot remove the lock');
  const lock = lockRunDirectory(dir);
  assert.is(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.pid);
  lock.release();
  assert.not.ok(existsSync(lock.path));
  assert.equal(readdirSync(dir), [], 'no temp or takeover file left behind');
});

test('a normal exit releases the lock; release() is idempotent and leaves a foreign lock alone', async () => {
  const dir = newDir();
  const child = holder(dir, 'exit');
  assert.is(await firstLine(child), 'HELD');
  await exited(child);
  assert.not.ok(existsSync(join(dir, LOCK_FILE)), 'the exit handler removed the lock');
  const lock = lockRunDirectory(dir);
  lock.release();
  lock.release();
  // A lock that is not ours any more (someone deleted ours and took the directory) is not removed by us.
  const again = lockRunDirectory(dir);
  rmSync(again.path);
  writeFileSync(again.path, JSON.stringify({ pid: 1, host: 'elsewhere', since: 'x', command: 'gibbon search' }));
  again.release();
  assert.ok(existsSync(again.path));
});

test('a lock from another host is never taken over; an unreadable lock is refused', () => {
  const dir = newDir();
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 999999, host: 'another-host', since: 't0', command: 'gibbon search' }));
  try { lockRunDirectory(dir); assert.unreachable(); } catch (e) { assert.match((e as Error).message, 'in use by gibbon search (pid 999999 on another-host, since t0)'); }
  writeFileSync(join(dir, LOCK_FILE), '');
  try { lockRunDirectory(dir); assert.unreachable(); } catch (e) { assert.match((e as Error).message, 'in use by another process (unreadable lock file)'); }
});

test('eight processes racing for one dead holder\'s lock: exactly one wins', async () => {
  for (let round = 0; round < 3; round++) {
    const dir = newDir();
    // A dead holder on this host: a pid that just exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: Number(dead.stdout.trim()), host: hostname(), since: 't', command: 'gibbon search' }));
    const go = join(dir, '..', `go-${round}`);
    const takers = Array.from({ length: 8 }, () => holder(dir, 'wait', go));
    try {
      const outs = takers.map(lines);
      assert.equal(await Promise.all(outs.map((o) => o.next())), Array(8).fill('READY'));
      writeFileSync(go, '');
      const got = await Promise.all(outs.map((o) => o.next()));
      assert.is(got.filter((l) => l === 'HELD').length, 1, got.join(' | '));
      assert.ok(got.every((l) => l === 'HELD' || l.startsWith('REFUSED ')), got.join(' | '));
    } finally { for (const t of takers) t.kill('SIGKILL'); await Promise.all(takers.map(exited)); }
  }
});

test('a slow taker that read a dead holder after another took over, or without the takeover token, removes nothing', () => {
  const dir = newDir();
  const path = join(dir, LOCK_FILE);
  const dead = { pid: 999999, host: hostname(), since: 'a', command: 'gibbon search' };
  const mine = join(dir, 'mine');
  writeFileSync(mine, '{}');
  // Another process already replaced the dead holder's lock with its own: it must survive.
  const live = JSON.stringify({ pid: process.pid, host: hostname(), since: 'b', command: 'gibbon search' });
  writeFileSync(path, live);
  assert.not.ok(removeStaleLock(path, dead, mine));
  assert.is(readFileSync(path, 'utf8'), live);
  // The dead holder's lock is still there, but someone else holds the right to remove it.
  writeFileSync(path, JSON.stringify(dead));
  writeFileSync(`${path}.takeover-999999-a`, '');
  assert.not.ok(removeStaleLock(path, dead, mine));
  assert.ok(existsSync(path));
  rmSync(`${path}.takeover-999999-a`);
  assert.ok(removeStaleLock(path, dead, mine));
  assert.not.ok(existsSync(path));
  assert.equal(readdirSync(dir), ['mine'], 'the token is gone again');
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
