// Tests that need a program from Debian (chromium, and as they come wasm2c, redis-server). Outside CI a
// missing program skips its tests with one line saying how to get it; under CI (CI=true, set by .ci/run's
// caller) it fails the run instead, because .ci/run installs every such program and a silent skip there
// would hide a broken install step.
import { test } from 'uvu';
import { existsSync } from 'node:fs';

type Register = (name: string, fn: () => void | Promise<void>) => void;

/** `test` where `path` exists; otherwise `test.skip` (outside CI) or a test that fails (under CI). */
export function testNeeding(path: string, debianPackage: string, file: string): Register {
  if (existsSync(path)) return test;
  const why = `${file}: no ${path} (apt-get install ${debianPackage}; .ci/run installs it)`;
  if (process.env.CI === 'true') {
    return (name) => test(name, () => { throw new Error(`${why}: under CI a missing system program fails the run`); });
  }
  console.log(`${why}: skipped`);
  return test.skip;
}
