// The transport of distributed evaluation on a real redis-server, in this process (fast): Redis URLs with a
// password and TLS, content-addressed blobs (chunked, cached, refused when the bytes do not match), and the
// BullMQ job client / worker pair: idempotent job ids, results keyed by id whatever order they finish in,
// retries with backoff, the dead-letter state (counted), permanent failures, and a resumed submit that
// tries a dead job again.
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { startRedis, testRedis, type RedisServer } from './redis-server.ts';
import { redisOptionsOf, type RedisConnectionOptions } from '../../src/node/queue/redis-url.ts';
import { BLOB_CHUNK_BYTES, fetchBlob, publishBlob, sha256Hex, sharedBlobPath } from '../../src/node/queue/content-store.ts';
import { JobClient, connectRedis, startJobWorker } from '../../src/node/queue/eval-queue.ts';
import { PACKAGE_VERSION, candidateHash, checkJobData } from '../../src/node/queue/eval-context.ts';
import { Refusal } from '../../src/node/queue/refusal.ts';
import { GibbonError } from '../../src/util/errors.ts';

const it = testRedis('test/distributed/transport.test.ts');
const PASSWORD = 's3cret:/@';
let server: RedisServer | undefined;
let redis: Redis | undefined;
let connection: RedisConnectionOptions;
const dir = mkdtempSync(join(tmpdir(), 'gibbon-transport-'));

test.after(async () => {
  redis?.disconnect();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Byte equality without uvu's diff (which would render megabytes). */
const sameBytes = (a: Uint8Array, b: Uint8Array, what: string) => assert.ok(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), what);

async function rejects(p: Promise<unknown>, type: new (...a: never[]) => Error, pattern: RegExp): Promise<Error> {
  try { await p; } catch (e) {
    assert.instance(e, type);
    assert.match((e as Error).message, pattern);
    return e as Error;
  }
  throw new Error(`expected a rejection matching ${pattern}`);
}

test('Redis URLs: password and user decoded, rediss:// is TLS, the database; errors never show the password', () => {
  const o = redisOptionsOf('rediss://gibbon:p%40ss@redis.lab:6380/2');
  assert.equal({ host: o.host, port: o.port, username: o.username, password: o.password, db: o.db, tls: o.tls }, { host: 'redis.lab', port: 6380, username: 'gibbon', password: 'p@ss', db: 2, tls: { servername: 'redis.lab' } });
  assert.is(redisOptionsOf('redis://10.0.0.5').port, 6379);
  assert.is(redisOptionsOf('redis://10.0.0.5').tls, undefined);
  for (const [url, message] of [
    ['http://:hunter2@host', '--redis: got the scheme "http:"; allowed: redis://[user:password@]host[:port][/db] or rediss://... (TLS)'],
    ['redis://:hunter2@host/x', '--redis: got the database "x"; allowed: an integer in 0..15 after the host, e.g. redis://host:6379/0'],
    ['not a url :hunter2@', '--redis: got "not a url :hunter2@"; allowed: redis://[user:password@]host[:port][/db] or rediss://... (TLS)'],
  ] as const) {
    try { redisOptionsOf(url); assert.unreachable(url); } catch (e) {
      assert.instance(e, GibbonError);
      assert.is((e as GibbonError).message, message);
    }
  }
});

it('connects with the password; a wrong password is one line without it', async () => {
  server = await startRedis({ password: PASSWORD });
  connection = redisOptionsOf(server.url);
  assert.is(connection.password, PASSWORD);
  redis = await connectRedis(connection);
  assert.is(await redis.ping(), 'PONG');
  const e = await rejects(connectRedis({ ...connection, password: 'wrong-one' }), GibbonError, /^--redis: cannot use the Redis server at 127\.0\.0\.1:\d+ \(.*(WRONGPASS|invalid).*\); check the host, port, password and TLS/);
  assert.is((e as GibbonError).code, 'E_QUEUE');
  assert.not.match(e.message, /wrong-one|s3cret/);
});

it('blobs: published once in chunks, fetched once into the cache by hash; a copy that does not match its hash is refused', async () => {
  const bytes = new Uint8Array(BLOB_CHUNK_BYTES + 1000).map((_, i) => (i * 7) & 0xff);
  const ref = await publishBlob(redis!, 'gibbon:t', bytes);
  assert.equal(ref, { hash: sha256Hex(bytes), bytes: bytes.length });
  assert.is(await redis!.get(`gibbon:t:blob:${ref.hash}:meta`), `${bytes.length} 2`);
  const cache = join(dir, 'cache');
  sameBytes(await fetchBlob(redis!, 'gibbon:t', ref, cache, 'supernet'), bytes, 'fetched from Redis');
  assert.ok(existsSync(sharedBlobPath(cache, ref.hash)));
  // served from the cache now: even with the Redis copy gone
  await redis!.del(`gibbon:t:blob:${ref.hash}:0`);
  sameBytes(await fetchBlob(redis!, 'gibbon:t', ref, cache, 'supernet'), bytes, 'from the cache');
  // a damaged cache entry is fetched again; with a damaged published chunk, refused
  writeFileSync(sharedBlobPath(cache, ref.hash), 'damaged');
  await redis!.set(`gibbon:t:blob:${ref.hash}:0`, Buffer.alloc(BLOB_CHUNK_BYTES));
  await rejects(fetchBlob(redis!, 'gibbon:t', ref, cache, 'supernet'), Refusal, new RegExp(`^supernet ${ref.hash.slice(0, 12)}: Redis key gibbon:t:blob:${ref.hash}:meta hashes to [0-9a-f]{12}, another supernet or a damaged copy`));
  // a shared directory instead of Redis
  const shared = join(dir, 'shared');
  const inDir = await publishBlob(redis!, 'gibbon:t', bytes, shared);
  sameBytes(readFileSync(sharedBlobPath(shared, inDir.hash)), bytes, 'in the shared directory');
  sameBytes(await fetchBlob(redis!, 'gibbon:t', inDir, join(dir, 'cache2'), 'supernet'), bytes, 'from the shared directory');
  await rejects(fetchBlob(redis!, 'gibbon:t', inDir, join(dir, 'cache3'), 'supernet', join(dir, 'nowhere')), Refusal, /cannot read .*nowhere.*\(ENOENT\); mount the search's shared directory here, or give its path with --share/);
});

it('job data: checked field by field; another package version is refused', () => {
  const good = { package: PACKAGE_VERSION, context: 'a'.repeat(64), supernet: 'b'.repeat(64), split: 'validation', genome: [0, 2, 1] };
  assert.equal(checkJobData(good), good);
  assert.throws(() => checkJobData({ ...good, genome: 'process.exit()' }), (e: Error) => e instanceof Refusal && /^job data: got .*; allowed: \{package, context, supernet, split, genome\}/.test(e.message));
  assert.throws(() => checkJobData({ ...good, package: '0.0.1' }), (e: Error) => e instanceof Refusal && e.message === `job: made by gibbon-ts "0.0.1", this worker is ${PACKAGE_VERSION}; run the same version on the search and every worker`);
  assert.is.not(candidateHash('c'.repeat(64), 'validation', [1, 2]), candidateHash('c'.repeat(64), 'test', [1, 2]));
});

it('jobs: one per id, results keyed by id in any finishing order, retries with backoff, dead-letter counted, permanent failures, a dead job tried again', async () => {
  const client = await JobClient.open(connection, 'unit', 2);
  const runs = new Map<string, number>();
  const w = startJobWorker({
    connection, queue: 'unit', concurrency: 4, lockMs: 5000,
    process: async (data) => {
      const { n, mode } = data as { n: number; mode: string };
      const key = `${mode}${n}`;
      runs.set(key, (runs.get(key) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, (7 - n) * 30)); // later jobs finish first
      if (mode === 'flaky' && runs.get(key) === 1) throw new Error('flaky once');
      if (mode === 'bad') throw new Error('always fails');
      if (mode === 'refuse') throw new Refusal('wrong inputs');
      return { square: n * n };
    },
    permanent: (e) => (e instanceof Refusal ? `refused: ${e.message}` : undefined),
  });
  try {
    const jobs = [0, 1, 2, 3, 4, 5, 6].map((n) => ({ id: `r-ok${n}`, data: { n, mode: 'ok' } }));
    await client.submit(jobs);
    await client.submit(jobs); // idempotent
    const ok = await client.collect(jobs.map((j) => j.id));
    assert.equal(jobs.map((j) => ok.get(j.id)!.result), [0, 1, 4, 9, 16, 25, 36].map((square) => ({ square })));
    assert.equal([...runs.values()], [1, 1, 1, 1, 1, 1, 1]);
    const t0 = performance.now();
    await client.submit([{ id: 'r-flaky', data: { n: 6, mode: 'flaky' } }]);
    assert.equal((await client.collect(['r-flaky'])).get('r-flaky')!.result, { square: 36 });
    assert.ok(performance.now() - t0 >= 1900, 'retried after the backoff');
    await client.submit([{ id: 'r-bad', data: { n: 6, mode: 'bad' } }, { id: 'r-refuse', data: { n: 6, mode: 'refuse' } }]);
    const dead = await client.collect(['r-bad', 'r-refuse']);
    assert.equal(dead.get('r-bad'), { id: 'r-bad', state: 'dead', reason: 'always fails', attempts: 2 });
    assert.equal(dead.get('r-refuse'), { id: 'r-refuse', state: 'dead', reason: 'refused: wrong inputs', attempts: 1 });
    const status = await client.status();
    assert.equal({ workers: status.workers, dead: status.dead }, { workers: 1, dead: 2 });
    // a resumed search submits it again: tried again from scratch
    await client.submit([{ id: 'r-bad', data: { n: 6, mode: 'bad' } }]);
    assert.is((await client.collect(['r-bad'])).get('r-bad')!.state, 'dead');
    assert.is(runs.get('bad6'), 4);
  } finally {
    await w.close();
    await client.close();
  }
});

test.run();
