// `gibbon search --redis` with real `gibbon worker` processes on a real redis-server (password-protected,
// loopback, temp dir): the run is byte-identical to the local run (front.json and journal) with 2 workers,
// with a worker SIGKILLed mid-job, with the search SIGKILLed and resumed while a late-joining worker keeps
// going, and after a worker that finds a wrong supernet under the job's hash refused (and a good one took over).
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import '../nn/helpers.ts';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { saveTinySupernet } from '../cli/tiny-supernet.ts';
import { startRedis, testRedis, type RedisServer } from './redis-server.ts';
import { gibbon, journalLines, kill, readRun, worker, type Proc } from './cluster.ts';

const it = testRedis('test/distributed/search.test.ts');
const dir = mkdtempSync(join(tmpdir(), 'gibbon-distributed-'));
const supernetDir = join(dir, 'supernet');
const BUDGET = 4;
const argsFor = (out: string) => ['search', '--supernet', supernetDir, '--limit', '10', '--test-limit', '10', '--budget', String(BUDGET), '--population', '2', '--workers', '1', '--seed', '4', '--out', out];
let redis: RedisServer | undefined;
let expected: { front: string; journal: string };
const procs: Proc[] = [];
const track = (p: Proc) => { procs.push(p); return p; };
const remote = (out: string, queue: string, extra: string[] = []) => [...argsFor(out), '--redis', redis!.url, '--queue', queue, ...extra];

test.before(async () => {
  await saveTinySupernet(supernetDir);
});

test.after(async () => {
  await Promise.all(procs.map(kill));
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('the local run (the reference), and a Redis with a password', async () => {
  redis = await startRedis({ password: 'p@ss word' });
  const local = await gibbon(argsFor(join(dir, 'local'))).exited;
  assert.is(local.code, 0, local.stderr);
  expected = readRun(join(dir, 'local'));
  assert.is(journalLines(join(dir, 'local')), BUDGET);
});

it('2 workers: front.json and journal byte-identical to the local run; the progress line counts workers', async () => {
  const a = track(worker(redis!.url, 'two', join(dir, 'cache-a')));
  const b = track(worker(redis!.url, 'two', join(dir, 'cache-b')));
  const out = join(dir, 'two');
  const r = await gibbon(remote(out, 'two')).exited;
  assert.is(r.code, 0, r.stderr);
  assert.equal(readRun(out), expected);
  assert.match(r.stderr, /workers 2 dead 0/);
  // both took jobs (4 at a time are queued, each worker takes one at a time)
  assert.match(a.stderr(), /done in/);
  assert.match(b.stderr(), /done in/);
  a.child.kill('SIGTERM');
  b.child.kill('SIGTERM');
  const [ea, eb] = await Promise.all([a.exited, b.exited]);
  assert.is(ea.code, 0, ea.stderr);
  assert.match(ea.stderr, /stopped after \d+ job\(s\)/);
  assert.is(eb.code, 0, eb.stderr);
});

it('a worker SIGKILLed mid-job: its job runs again on the other worker, nothing lost, front identical', async () => {
  const a = track(worker(redis!.url, 'kill', join(dir, 'cache-a')));
  const b = track(worker(redis!.url, 'kill', join(dir, 'cache-b')));
  const out = join(dir, 'kill');
  const search = track(gibbon(remote(out, 'kill')));
  // kill a as soon as it has taken a job (while it prepares or evaluates it)
  await a.waitFor(/job \S+ started/);
  a.child.kill('SIGKILL');
  const victim = /job (\S+) started/.exec(a.stderr())![1];
  const r = await search.exited;
  assert.is(r.code, 0, r.stderr);
  assert.equal(readRun(out), expected);
  assert.ok(!a.stderr().includes(`job ${victim} done`), 'the killed worker did not finish its job');
  assert.ok(b.stderr().includes(`job ${victim} done`), `the other worker ran the killed job ${victim} again:\n${b.stderr()}`);
  await kill(b);
});

it('the search SIGKILLed and resumed, with a worker that joined late: nothing lost, nothing computed twice', async () => {
  const out = join(dir, 'resume');
  const first = track(gibbon(remote(out, 'resume')));
  await first.waitFor('evaluations go to queue resume');
  // no worker yet: jobs wait in the queue
  await new Promise((r) => setTimeout(r, 500));
  assert.is(journalLines(out), 0);
  const late = track(worker(redis!.url, 'resume', join(dir, 'cache-c'), ['--lock-ms', '30000']));
  const t0 = Date.now();
  while (journalLines(out) < 2 && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
  await kill(first);
  assert.ok(journalLines(out) < BUDGET, 'killed mid-run');
  const second = await gibbon([...remote(out, 'resume'), '--resume']).exited;
  assert.is(second.code, 0, second.stderr);
  assert.equal(readRun(out), expected);
  // each candidate computed once: the resumed search re-attached to the jobs the worker finished meanwhile
  const done = [...late.stderr().matchAll(/job (\S+) done/g)].map((m) => m[1]);
  assert.is(new Set(done).size, done.length, late.stderr());
  // BUDGET validation jobs, then one test-split job per front design (test accuracy is on by default)
  const frontSize = (JSON.parse(readFileSync(join(out, 'front.json'), 'utf8')) as unknown[]).length;
  assert.is(done.length, BUDGET + frontSize);
  await kill(late);
});

it('a worker that finds another supernet under the job\'s hash refuses (exit 6); the search stops with the reason and resumes with a good worker', async () => {
  const share = join(dir, 'share'), wrong = join(dir, 'wrong-share');
  const hash = createHash('sha256').update(readFileSync(join(supernetDir, 'supernet.ckpt'))).digest('hex');
  mkdirSync(wrong, { recursive: true });
  const bytes = readFileSync(join(supernetDir, 'supernet.ckpt'));
  bytes[bytes.length - 1] ^= 0xff; // one flipped bit pattern at the end: another supernet
  writeFileSync(join(wrong, `${hash}.blob`), bytes);
  const out = join(dir, 'refuse');
  const search = track(gibbon(remote(out, 'refuse', ['--share', share])));
  await search.waitFor('evaluations go to queue refuse');
  const bad = await track(worker(redis!.url, 'refuse', join(dir, 'cache-bad'), ['--share', wrong])).exited;
  assert.is(bad.code, 6, bad.stderr);
  assert.match(bad.stderr, new RegExp(`gibbon: worker \\S+ refused: supernet ${hash.slice(0, 12)}: \\S+ hashes to [0-9a-f]{12}, another supernet or a damaged copy`));
  const stopped = await search.exited;
  assert.is(stopped.code, 6, stopped.stderr);
  assert.match(stopped.stderr, /gibbon: --redis: job \S+ failed 1 time\(s\) \(\d+ of this batch dead\), last: worker \S+ refused: supernet/);
  assert.match(stopped.stderr, /fix the workers, then run the same command with --resume/);
  assert.not.match(stopped.stderr, /\n\s+at /); // no stack trace
  const good = track(worker(redis!.url, 'refuse', join(dir, 'cache-good')));
  const resumed = await gibbon([...remote(out, 'refuse', ['--share', share]), '--resume']).exited;
  assert.is(resumed.code, 0, resumed.stderr);
  assert.equal(readRun(out), expected);
  await kill(good);
});

test.run();
