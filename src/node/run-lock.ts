// The exclusive lock of a run directory (docs/search.md §7, "one process per run directory"). Two
// processes appending to one journal corrupt it for good, so a run directory is opened by one process at a
// time: the holder's identity is written to a temp file that is then hard-linked to `run.lock`. link(2)
// fails with EEXIST when the lock exists, atomically, and the lock file is whole from its first moment (an
// O_EXCL create followed by a write could leave an empty lock after a crash between the two).
// A lock left by a process that died (kill -9, power loss) is stale: on the same host, a holder pid that no
// longer runs is taken over; a lock from another host cannot be checked from here, so it is refused with
// the file to delete.
import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { GibbonError } from '../util/errors.ts';

export const LOCK_FILE = 'run.lock';

/** Makes this process's holder-file names unique (a process may lock several run directories). */
let tmpSerial = 0;

/** Who holds a run directory, as written in its run.lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** What holds it, e.g. `gibbon search`. */
  command: string;
}

export interface RunLock {
  readonly path: string;
  /** Removes the lock if this process still holds it; idempotent. */
  release(): void;
}

/** Whether a process with this pid runs on this host (signal 0 checks without sending anything). */
function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (Number.isInteger(h.pid) && typeof h.host === 'string') return { pid: h.pid as number, host: h.host, since: String(h.since ?? '?'), command: String(h.command ?? '?') };
  } catch { /* gone since, or not ours: handled by the caller */ }
  return undefined;
}

function heldError(dir: string, path: string, h: LockHolder | undefined): GibbonError {
  const who = h ? `${h.command} (pid ${h.pid} on ${h.host}, since ${h.since})` : 'another process (unreadable lock file)';
  return new GibbonError('E_FILE', `${dir}: run directory in use by ${who}; one process per run directory: wait for it to end or stop it; if it is no longer running, delete ${path}`, { source: dir, path: LOCK_FILE });
}

const sameHolder = (a: LockHolder | undefined, b: LockHolder): boolean =>
  a !== undefined && a.pid === b.pid && a.host === b.host && a.since === b.since;

/**
 * Removes the stale lock of `dead`, if no other taker got there first. Two processes that both found the
 * same dead holder must not both take over (the second would delete the first one's fresh lock), so the
 * right to remove it is itself taken with link(2): a token named after the dead holder. Its owner removes
 * run.lock only while that file still names the dead holder, so a slow taker that wins the token after the
 * first has finished finds a live lock instead and gives up.
 */
export function removeStaleLock(path: string, dead: LockHolder, holderFile: string): boolean {
  const token = `${path}.takeover-${dead.pid}-${dead.since.replace(/[^0-9A-Za-z]/g, '')}`;
  try { linkSync(holderFile, token); } catch { return false; }
  try {
    if (!sameHolder(readHolder(path), dead)) return false;
    unlinkSync(path);
    return true;
  } finally { rmSync(token, { force: true }); }
}

/**
 * Takes the lock of run directory `dir` (which must exist) for this process, or throws E_FILE naming
 * the holder. The lock is released by `release()` and, as a last resort, when the process exits normally
 * or by a signal Node turns into an exit; after kill -9 it stays and the next taker finds it stale.
 */
export function lockRunDirectory(dir: string, command = 'gibbon search'): RunLock {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };
  const tmp = join(dir, `.${LOCK_FILE}.${process.pid}.${++tmpSerial}`);
  writeFileSync(tmp, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try { linkSync(tmp, path); break; } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = readHolder(path);
        const stale = holder !== undefined && holder.host === me.host && holder.pid !== process.pid && !pidAlive(holder.pid);
        if (!stale || attempt > 0 || !removeStaleLock(path, holder, tmp)) throw heldError(dir, path, holder);
      }
    }
  } finally { rmSync(tmp, { force: true }); }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (sameHolder(readHolder(path), me)) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return { path, release };
}
