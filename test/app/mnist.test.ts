// The embedded MNIST as the app ships it (dist/app/mnist-digits.bin, built by npm run build): the same
// digits' bytes as Node's loader, so the same dataset and split, in Node and in headless Chromium
// (SHA-256 of every split's images and labels); and a damaged file gives one message naming it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedDigits, loadEmbeddedMnist } from '../../src/node/dataset-files.ts';
import { maybeGunzip, packMnistDigits, unpackMnistDigits } from '../../src/web/mnist-pack.ts';
import { mnistDataset } from '../../src/data/datasets.ts';
import type { Dataset } from '../../src/data/types.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { testNeeding } from '../system-tools.ts';
import { CHROMIUM } from './browser.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ASSET = join(ROOT, 'dist/app/mnist-digits.bin');

function digests(d: Dataset): Record<string, string> {
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  return Object.fromEntries((['train', 'validation', 'test'] as const).flatMap((s) => [[`${s}.images`, sha(d[s].images)], [`${s}.labels`, sha(d[s].labels)]]));
}

const node = await loadEmbeddedMnist();

test('the shipped file: gzip of 7.8 MB, the digits byte for byte those of Node\'s loader, the same split', async () => {
  const gz = new Uint8Array(readFileSync(ASSET));
  assert.ok(gz.length < 2e6, `compact: ${gz.length} bytes`);
  assert.is(gz[0], 0x1f, 'gzipped');
  const digits = unpackMnistDigits(await maybeGunzip(gz), ASSET);
  const want = await embeddedDigits();
  assert.is(digits.length, 10);
  digits.forEach((d, k) => assert.ok(Buffer.from(d).equals(Buffer.from(want[k])), `digit ${k}`));
  assert.equal(mnistDataset(digits), node);
  assert.ok(statSync(ASSET).size === gz.length);
});

test('pack / unpack round trip; a damaged file names itself, the field and what is allowed', () => {
  const digits = Array.from({ length: 10 }, (_, k) => new Uint8Array(784 * (k + 1)).fill(k));
  const packed = packMnistDigits(digits);
  assert.equal(unpackMnistDigits(packed, 'x.bin'), digits);
  const messageOf = (bytes: Uint8Array) => { try { unpackMnistDigits(bytes, 'x.bin'); } catch (e) { assert.instance(e, GibbonError); return (e as GibbonError).message; } return ''; };
  assert.is(messageOf(new TextEncoder().encode('<!doctype html>')), 'x.bin: magic: got [60,33,100,111]; allowed: the bytes of "GMN1" (71, 77, 78, 49), a packed MNIST file built by npm run build');
  assert.is(messageOf(packed.subarray(0, packed.length - 1)), `x.bin: length: got ${packed.length - 1}; allowed: ${packed.length} bytes (header counts 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)`);
});

testNeeding(CHROMIUM, 'chromium', 'test/app/mnist.test.ts')('headless Chromium: fetchEmbeddedMnist (DecompressionStream) gives Node\'s dataset, hash for hash', async () => {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><meta charset="utf-8"><title>mnist</title>'); return; }
    if (path !== '/dist/web/index.js' && path !== '/dist/app/mnist-digits.bin') { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' });
    res.end(readFileSync(join(ROOT, path)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
    const inPage = await page.evaluate(`(async () => {
      const G = await import('/dist/web/index.js');
      const d = await G.fetchEmbeddedMnist('/dist/app/mnist-digits.bin');
      const out = {};
      for (const s of ['train', 'validation', 'test']) for (const k of ['images', 'labels']) {
        out[s + '.' + k] = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', d[s][k])), (x) => x.toString(16).padStart(2, '0')).join('');
      }
      return out;
    })()`);
    assert.equal(inPage, digests(node));
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
