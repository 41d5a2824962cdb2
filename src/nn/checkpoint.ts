// The supernet checkpoint as bytes (web-standard; src/node/supernet-files.ts writes it atomically):
// "GIBBONSN" (8 bytes), the JSON header's byte length (uint32 LE), the JSON header (UTF-8, padded with
// spaces to a multiple of 4), then every Float32Array of the state, little-endian, in header order.
// The header holds everything but the arrays, plus their lengths.
import { GibbonError } from '../util/errors.ts';
import type { SupernetState } from './supernet.ts';

const MAGIC = 'GIBBONSN';

interface Header extends Omit<SupernetState, 'weights' | 'optimizer'> {
  weightLengths: number[];
  optimizerLengths: number[];
}

function isLittleEndian(): boolean { return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1; }

/** The state as checkpoint bytes. */
export function encodeCheckpoint(state: SupernetState): Uint8Array {
  const { weights, optimizer, ...rest } = state;
  const header: Header = { ...rest, weightLengths: weights.map((w) => w.length), optimizerLengths: optimizer.map((w) => w.length) };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 4) * 4;
  if (padded !== json.length) { const p = new Uint8Array(padded).fill(32); p.set(json); json = p; }
  const arrays = [...weights, ...optimizer];
  const floats = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(12 + json.length + 4 * floats);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const body = new Float32Array(out.buffer, 12 + json.length, floats);
  let at = 0;
  for (const a of arrays) { body.set(a, at); at += a.length; }
  if (!isLittleEndian()) throw new GibbonError('E_FILE', 'checkpoint: a big-endian host is not supported');
  return out;
}

/** Checkpoint bytes -> state; `source` names the file in messages. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): SupernetState {
  const bad = (why: string) => new GibbonError('E_FILE', `${source}: not a supernet checkpoint (${why})`, { source, path: '(root)' });
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('no GIBBONSN magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = view.getUint32(8, true);
  if (12 + hl > bytes.length) throw bad('truncated header');
  let header: Header;
  try { header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hl))) as Header; } catch { throw bad('unreadable header'); }
  if (header.format !== 'gibbon-supernet' || header.version !== 1) throw bad(`format ${JSON.stringify(header.format)} version ${JSON.stringify(header.version)}`);
  const lengths = [...header.weightLengths, ...header.optimizerLengths];
  const floats = lengths.reduce((n, l) => n + l, 0);
  if (bytes.length !== 12 + hl + 4 * floats) throw bad(`${bytes.length} bytes; the header announces ${12 + hl + 4 * floats}`);
  // a copy into a fresh, aligned buffer (a Node Buffer's slice() is a view into a shared pool)
  const body = new Float32Array(floats);
  new Uint8Array(body.buffer).set(bytes.subarray(12 + hl));
  let at = 0;
  const take = (n: number) => { const a = body.slice(at, at + n); at += n; return a; };
  const weights = header.weightLengths.map(take);
  const optimizer = header.optimizerLengths.map(take);
  const { weightLengths: _w, optimizerLengths: _o, ...rest } = header;
  return { ...rest, weights, optimizer };
}
