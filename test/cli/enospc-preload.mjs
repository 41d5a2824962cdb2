// A full disk for one file of a run directory, injected into a real `gibbon` process (node --import this
// file; no production code has a seam): GIBBON_TEST_ENOSPC = {"dir", "file", "after"} makes the
// `after`-th write to <dir>/<file> (or to a temp file of it, <file>.<pid>.<n>.tmp) write only half its
// bytes, and every later write to it fail with ENOSPC, as a disk that fills up mid-line does. Writes
// elsewhere are untouched. Not a test file (no `.test.` in its name).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename, dirname, resolve } from 'node:path';

const spec = JSON.parse(process.env.GIBBON_TEST_ENOSPC ?? 'null');
if (spec !== null) {
  const dir = resolve(spec.dir);
  const watched = new Set();
  const { openSync, closeSync, writeSync } = fs;
  fs.openSync = function (path, ...rest) {
    const fd = openSync.call(this, path, ...rest);
    const p = resolve(String(path));
    if (dirname(p) === dir && (basename(p) === spec.file || basename(p).startsWith(`${spec.file}.`))) watched.add(fd);
    return fd;
  };
  fs.closeSync = function (fd) { watched.delete(fd); return closeSync.call(this, fd); };
  let writes = 0;
  fs.writeSync = function (fd, buffer, offset, length, ...rest) {
    if (watched.has(fd) && ++writes >= spec.after) {
      if (writes === spec.after && typeof buffer !== 'string' && typeof offset === 'number' && typeof length === 'number' && length > 1) {
        return writeSync.call(this, fd, buffer, offset, Math.floor(length / 2));
      }
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }
    return writeSync.call(this, fd, buffer, offset, length, ...rest);
  };
  syncBuiltinESMExports();
}
