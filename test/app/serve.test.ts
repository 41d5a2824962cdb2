// `gibbon serve` (the built CLI): serves dist/app on 127.0.0.1 with cross-origin isolation headers and
// the wasm MIME type, nothing outside dist/app, and bad options as one line with exit status 2.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/gibbon.mjs', import.meta.url));

test('gibbon serve --port 0: the app with COOP/COEP, wasm as application/wasm, loopback only, no path escape', async () => {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => { out += b; const m = /gibbon app: (http:\/\/\S+)/.exec(out); if (m) resolve(m[1]); });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    assert.is(page.status, 200);
    assert.is(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.is(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.is(await page.text(), readFileSync(`${ROOT}dist/app/index.html`, 'utf8'));
    const wasm = await fetch(new URL('gibbon.wasm', url));
    assert.is(wasm.headers.get('content-type'), 'application/wasm');
    assert.ok(Buffer.from(await wasm.arrayBuffer()).equals(readFileSync(`${ROOT}dist/gibbon.wasm`)));
    for (const escape of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/nothing.js']) {
      assert.is((await fetch(new URL(escape, url))).status, 404, escape);
    }
    const raw = await new Promise<number>((resolve) => {
      // fetch normalizes "/../"; a raw request line does not
      const { port } = new URL(url);
      import('node:net').then(({ connect }) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /../package.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
        let text = '';
        socket.on('data', (b) => { text += b; });
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1])));
      });
    });
    assert.is(raw, 404);
    assert.is((await fetch(url, { method: 'POST' })).status, 405);
  } finally {
    child.kill();
  }
});

test('gibbon serve: a bad --port or --dir is one line, exit status 2 or 3', () => {
  const bad = spawnSync(process.execPath, [CLI, 'serve', '--port', '70000'], { encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.is(bad.stderr, 'gibbon: --port: got "70000"; allowed: an integer in 0..65535\n');
  const dir = spawnSync(process.execPath, [CLI, 'serve', '--dir', '/nonexistent-app'], { encoding: 'utf8' });
  assert.is(dir.status, 3);
  assert.is(dir.stderr, 'gibbon: --dir: got "/nonexistent-app"; allowed: a directory holding the built app (index.html; npm run build writes dist/app)\n');
});

test.run();
