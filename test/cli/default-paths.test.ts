// The default run directory and supernet cache of `gibbon search` come from user-given names (a space
// file's `name`, a dataset spec): hostile names must not lead them out of runs/ and .gibbon-cache/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isAbsolute, relative, sep } from 'node:path';
import { cachedSupernetDir, defaultRunDir } from '../../src/cli/search.ts';

const HOSTILE = ['../../escape', '..', '.', '/etc/passwd', 'a/../../b', '..\\..\\win', 'x/..', 'name with spaces', '\u001b[2J', ''];

test('runs/search-<space>-s<seed> stays one level inside runs/ whatever the space name', () => {
  assert.is(defaultRunDir('mnist', 1), `runs${sep}search-mnist-s1`);
  assert.is(defaultRunDir('../../escape', 3), `runs${sep}search-.._.._escape-s3`);
  for (const name of HOSTILE) {
    const rel = relative('runs', defaultRunDir(name, 1));
    assert.ok(!isAbsolute(rel) && !rel.startsWith('..') && !rel.includes(sep) && rel !== '', `${JSON.stringify(name)} -> ${rel}`);
  }
});

test('the supernet cache stays one level inside .gibbon-cache/ whatever the space and dataset', () => {
  for (const name of HOSTILE) {
    const rel = relative('.gibbon-cache', cachedSupernetDir(name, `idx:${name}`, 1, 8, name));
    assert.ok(!isAbsolute(rel) && !rel.startsWith('..') && !rel.includes(sep) && rel !== '', `${JSON.stringify(name)} -> ${rel}`);
  }
});

test('the supernet cache names its training images when limited (--supernet-limit), else not', () => {
  assert.is(cachedSupernetDir('mnist', 'mnist', 1, 8, 'e06066d9669e'), `.gibbon-cache${sep}supernet-mnist-e06066d9669e-s1-e8-kd0`);
  assert.is(cachedSupernetDir('mnist', 'mnist', 1, 1, 'e06066d9669e', 256), `.gibbon-cache${sep}supernet-mnist-e06066d9669e-s1-e1-kd0-l256`);
});

test('the supernet cache names its recipe: --supernet-distill d gives ...-kd<d>, the default kd0', () => {
  assert.is(cachedSupernetDir('mnist', 'mnist', 1, 64, 'abc', undefined, 1), `.gibbon-cache${sep}supernet-mnist-abc-s1-e64-kd1`);
  assert.is(cachedSupernetDir('mnist', 'mnist', 1, 8, 'abc', 256, 0.5), `.gibbon-cache${sep}supernet-mnist-abc-s1-e8-kd0.5-l256`);
  assert.is(cachedSupernetDir('mnist', 'mnist', 1, 8, 'abc', undefined, 0), cachedSupernetDir('mnist', 'mnist', 1, 8, 'abc'));
});

test.run();
