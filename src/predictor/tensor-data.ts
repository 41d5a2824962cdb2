// Float32 arrays as JSON-able data: little-endian float32 bytes in base64 (web-standard: btoa / atob).

import type { TensorData } from './types.ts';

const CHUNK = 0x8000;

export function encodeFloats(shape: readonly number[], values: Float32Array): TensorData {
  const f = new Float32Array(values); // own copy, aligned
  const le = new DataView(f.buffer);
  for (let i = 0; i < f.length; i++) le.setFloat32(i * 4, values[i], true);
  const bytes = new Uint8Array(f.buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return { shape: [...shape], base64: btoa(binary) };
}

export function decodeFloats(data: TensorData, what: string): Float32Array {
  const binary = atob(data.base64);
  const n = data.shape.reduce((a, b) => a * b, 1);
  if (binary.length !== n * 4) throw new Error(`${what}: ${binary.length} bytes for shape [${data.shape.join(', ')}]`);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
