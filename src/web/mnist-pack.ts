// The embedded MNIST as the browser gets it (dist/app/mnist-digits.bin): the mnist package's 10,000 digits
// as bytes, 7.8 MB before gzip instead of 41 MB of JSON. Web-standard. Layout (little-endian):
//   "GMN1"                  4 bytes, the magic
//   count[0..9]             10 x uint32: images of each digit
//   pixels                  the images of digit 0, then digit 1, ...: 784 bytes each (round(v * 255))
// The file is gzipped at build time (src/app/mnist-asset.ts); a host that already sends it with
// Content-Encoding: gzip hands over the plain bytes, so the gzip magic decides whether to gunzip here.
import { MNIST_CLASSES, MNIST_SHAPE, mnistDataset } from '../data/datasets.ts';
import type { Dataset } from '../data/types.ts';
import { GibbonError, formatValue } from '../util/errors.ts';

const MAGIC = [0x47, 0x4d, 0x4e, 0x31]; // "GMN1"
const HEADER_BYTES = 4 + 4 * MNIST_CLASSES;
const IMAGE_BYTES = MNIST_SHAPE[0] * MNIST_SHAPE[1] * MNIST_SHAPE[2];

/** Digit d's image bytes (n_d x 784), d = 0..9 -> one packed file. */
export function packMnistDigits(digits: readonly Uint8Array[]): Uint8Array {
  if (digits.length !== MNIST_CLASSES) throw new RangeError(`packMnistDigits: ${digits.length} digits; allowed: ${MNIST_CLASSES}`);
  const total = digits.reduce((n, d) => n + d.length, 0);
  const out = new Uint8Array(HEADER_BYTES + total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  let at = HEADER_BYTES;
  digits.forEach((d, k) => {
    if (d.length % IMAGE_BYTES !== 0) throw new RangeError(`packMnistDigits: digit ${k}: ${d.length} bytes is not a whole number of ${IMAGE_BYTES}-byte images`);
    view.setUint32(4 + 4 * k, d.length / IMAGE_BYTES, true);
    out.set(d, at);
    at += d.length;
  });
  return out;
}

/** A packed file (plain, not gzipped) -> digit d's image bytes, d = 0..9. Errors name `source`. */
export function unpackMnistDigits(bytes: Uint8Array, source: string): Uint8Array[] {
  const bad = (path: string, value: unknown, allowed: string) => new GibbonError('E_DATASET', `${source}: ${path}: got ${formatValue(value)}; allowed: ${allowed}`, { source, path });
  if (bytes.length < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw bad('magic', Array.from(bytes.subarray(0, 4)), `the bytes of "GMN1" (${MAGIC.join(', ')}), a packed MNIST file built by npm run build`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts = Array.from({ length: MNIST_CLASSES }, (_, k) => view.getUint32(4 + 4 * k, true));
  const expected = HEADER_BYTES + counts.reduce((n, c) => n + c, 0) * IMAGE_BYTES;
  if (bytes.length !== expected) throw bad('length', bytes.length, `${expected} bytes (header counts ${counts.join(', ')})`);
  const digits: Uint8Array[] = [];
  let at = HEADER_BYTES;
  for (const c of counts) {
    digits.push(bytes.slice(at, at + c * IMAGE_BYTES));
    at += c * IMAGE_BYTES;
  }
  return digits;
}

const isGzipped = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Gunzips with the web-standard DecompressionStream when the bytes are gzip data; else returns them. */
export async function maybeGunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (!isGzipped(bytes)) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The embedded MNIST from the packed file at `url` (dist/app/mnist-digits.bin), with the same split as
 * Node's loadEmbeddedMnist: the same digits' bytes go through the same mnistDataset.
 */
export async function fetchEmbeddedMnist(url: string | URL): Promise<Dataset> {
  const name = String(url);
  let response: Response;
  try { response = await fetch(url); } catch (e) {
    throw new GibbonError('E_FILE', `${name}: cannot fetch the embedded MNIST (${(e as Error).message})`, { source: name });
  }
  if (!response.ok) throw new GibbonError('E_FILE', `${name}: cannot fetch the embedded MNIST (HTTP ${response.status})`, { source: name });
  return mnistDataset(unpackMnistDigits(await maybeGunzip(new Uint8Array(await response.arrayBuffer())), name));
}
