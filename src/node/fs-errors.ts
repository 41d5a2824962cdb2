// File-system failures as one line (E_FILE, exit 3): Node's errors carry an errno code, the system call
// and the path, which is all a user needs: which path, what went wrong, what to do. Without this a full
// disk or an --out that names a file reached the user as "internal error" and a stack.
import { GibbonError } from '../util/errors.ts';

/** What each errno means for a user, and what to do about it. */
const MEANING: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is a file, not a directory; allowed: a path whose parents are directories',
  EISDIR: 'it is a directory; allowed: a file path',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the directory is not empty',
  EACCES: 'permission denied; allowed: a path this user may write',
  EPERM: 'operation not permitted; allowed: a path this user may write',
  EROFS: 'read-only file system; allowed: a path on a writable disk',
  ENOSPC: 'no space left on the device; free some space and run again (a search continues with --resume)',
  EDQUOT: 'disk quota exceeded; free some space and run again (a search continues with --resume)',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EIO: 'input/output error of the device',
  EBUSY: 'the file or device is busy',
};

const VERB: Readonly<Record<string, string>> = {
  open: 'open', mkdir: 'create the directory', rename: 'replace', write: 'write', read: 'read', unlink: 'delete',
  link: 'create', scandir: 'list', stat: 'inspect', fsync: 'write', rmdir: 'delete', copyfile: 'copy',
};

/**
 * `e` with `path` as its path when it has none: a write or fsync on a file descriptor fails (ENOSPC, EIO)
 * without saying which file, and the user must be told which one. Returns `e` (to rethrow).
 */
export function withPath(e: unknown, path: string): unknown {
  if (e instanceof Error && (e as NodeJS.ErrnoException).code !== undefined && (e as NodeJS.ErrnoException).path === undefined) (e as NodeJS.ErrnoException).path = path;
  return e;
}

/** The GibbonError for a Node file-system error, or undefined when `e` is not one. */
export function fileSystemError(e: unknown): GibbonError | undefined {
  if (!(e instanceof Error)) return undefined;
  const { code, syscall } = e as NodeJS.ErrnoException;
  if (code === undefined || !Object.hasOwn(MEANING, code)) return undefined;
  // rename, link and copy fail at their destination (the source is our own temp file)
  const path = (e as NodeJS.ErrnoException & { dest?: string }).dest ?? (e as NodeJS.ErrnoException).path;
  const where = path === undefined ? '(unknown path)' : path === '' ? '""' : path;
  const verb = syscall === undefined ? 'use' : VERB[syscall] ?? syscall;
  return new GibbonError('E_FILE', `${where}: cannot ${verb}: ${MEANING[code]} (${code})`, { source: where });
}
