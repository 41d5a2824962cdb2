// Content hashes for pinning runs and keying caches (docs/search.md §7): SHA-256 through the Web Crypto
// API (crypto.subtle, in Node 20, Deno and browsers), as lowercase hex. Web-standard.

const hex = (bytes: ArrayBuffer): string => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 of the bytes (a string: of its UTF-8), as 64 lowercase hex digits. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return hex(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/**
 * JSON with every object's keys sorted, so that two documents that differ only in key order hash alike.
 * Arrays keep their order; values JSON cannot hold become what JSON.stringify makes of them.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
  });
}

/** SHA-256 of a list of parts, each length-prefixed (so ["ab","c"] and ["a","bc"] differ), as hex. */
export async function sha256OfParts(parts: readonly (Uint8Array | string)[]): Promise<string> {
  const digests = await Promise.all(parts.map((p) => sha256Hex(p)));
  return sha256Hex(digests.join(':'));
}
