// Content addressing of what a worker needs (Node-only): a blob (the supernet checkpoint) is named by the
// SHA-256 of its bytes. The search publishes it once, into Redis in chunks (a string value is capped at
// 512 MB and one big value blocks the server while it moves, so chunks of 4 MiB) or into a shared
// directory the user names; a worker fetches it once, checks the hash, and keeps it in a local cache
// directory under that hash, so a second job (or a restarted worker) reads it from disk.
// A copy whose bytes do not hash to its name is never used: the worker refuses the job (Refusal).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { writeFileAtomic } from '../supernet-files.ts';
import { Refusal } from './refusal.ts';

export const BLOB_CHUNK_BYTES = 4 << 20;

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Where a blob is and what it must hash to. `dir`: a shared directory holding `<hash>.blob`. */
export interface BlobRef {
  hash: string;
  bytes: number;
  dir?: string;
}

const metaKey = (prefix: string, hash: string) => `${prefix}:blob:${hash}:meta`;
const chunkKey = (prefix: string, hash: string, i: number) => `${prefix}:blob:${hash}:${i}`;
export const sharedBlobPath = (dir: string, hash: string) => join(dir, `${hash}.blob`);

/**
 * Publishes `bytes` (once: a blob already there is left alone) into Redis, or into `dir` when given.
 * In Redis the chunks are written before the meta key, so a reader that sees the meta sees every chunk.
 */
export async function publishBlob(redis: Redis, prefix: string, bytes: Uint8Array, dir?: string): Promise<BlobRef> {
  const hash = sha256Hex(bytes);
  if (dir !== undefined) {
    const path = sharedBlobPath(dir, hash);
    if (!existsSync(path) || sha256Hex(readFileSync(path)) !== hash) {
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(path, bytes);
    }
    return { hash, bytes: bytes.length, dir };
  }
  if ((await redis.exists(metaKey(prefix, hash))) === 0) {
    const chunks = Math.max(1, Math.ceil(bytes.length / BLOB_CHUNK_BYTES));
    for (let i = 0; i < chunks; i++) {
      const part = bytes.subarray(i * BLOB_CHUNK_BYTES, (i + 1) * BLOB_CHUNK_BYTES);
      await redis.set(chunkKey(prefix, hash, i), Buffer.from(part.buffer, part.byteOffset, part.byteLength));
    }
    await redis.set(metaKey(prefix, hash), `${bytes.length} ${chunks}`);
  }
  return { hash, bytes: bytes.length };
}

/** Reads the blob's bytes from Redis or the shared directory (`dirOverride`: this machine's mount of it). */
async function readPublished(redis: Redis, prefix: string, ref: BlobRef, what: string, dirOverride?: string): Promise<{ bytes: Uint8Array; where: string }> {
  const dir = dirOverride ?? ref.dir;
  if (dir !== undefined) {
    const path = sharedBlobPath(dir, ref.hash);
    try { return { bytes: readFileSync(path), where: path }; } catch (e) {
      throw new Refusal(`${what} ${ref.hash.slice(0, 12)}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)}); mount the search's shared directory here, or give its path with --share`);
    }
  }
  const meta = await redis.get(metaKey(prefix, ref.hash));
  const where = `Redis key ${metaKey(prefix, ref.hash)}`;
  if (meta === null) throw new Refusal(`${what} ${ref.hash.slice(0, 12)}: not published in Redis (${where} is missing); restart the search, which publishes it`);
  const chunks = Number(meta.split(' ')[1]);
  const parts: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    const part = await redis.getBuffer(chunkKey(prefix, ref.hash, i));
    if (part === null) throw new Refusal(`${what} ${ref.hash.slice(0, 12)}: chunk ${i} of ${chunks} is missing in Redis; restart the search, which publishes it again`);
    parts.push(part);
  }
  return { bytes: Buffer.concat(parts), where };
}

/**
 * The blob's bytes, from the local cache (`cacheDir/<hash>.blob`) or else fetched and cached. A copy whose
 * hash differs from ref.hash is refused, naming where it came from.
 */
export async function fetchBlob(redis: Redis, prefix: string, ref: BlobRef, cacheDir: string, what: string, dirOverride?: string): Promise<Uint8Array> {
  const cached = sharedBlobPath(cacheDir, ref.hash);
  if (existsSync(cached)) {
    const bytes = readFileSync(cached);
    if (sha256Hex(bytes) === ref.hash) return bytes;
    // a damaged cache entry is fetched again (and replaced) below
  }
  const { bytes, where } = await readPublished(redis, prefix, ref, what, dirOverride);
  const got = sha256Hex(bytes);
  if (got !== ref.hash) {
    throw new Refusal(`${what} ${ref.hash.slice(0, 12)}: ${where} hashes to ${got.slice(0, 12)}, another ${what} or a damaged copy; this worker computes nothing with it (publish the search's own copy again, or point --share at the right directory)`);
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileAtomic(cached, bytes);
  return bytes;
}
