// Supernets kept in the browser's IndexedDB (web-standard): the checkpoint bytes of src/nn/checkpoint.ts
// under the cache name of src/run/supernet-cache.ts, the browser's .gibbon-cache/<name>/supernet.ckpt.
import { decodeCheckpoint, encodeCheckpoint } from '../nn/checkpoint.ts';
import type { SupernetState } from '../nn/supernet.ts';
import { requestResult, STORES, transact } from './idb.ts';

/** How messages name a supernet kept in this browser. */
export const supernetLocation = (name: string): string => `browser supernet "${name}"`;

/** The kept supernet named `name`, or undefined. */
export async function loadKeptSupernet(name: string): Promise<SupernetState | undefined> {
  const where = supernetLocation(name);
  const bytes = await transact([STORES.supernets], 'readonly', where, (tx) => requestResult(tx.objectStore(STORES.supernets).get(name), where) as Promise<Uint8Array | undefined>);
  return bytes === undefined ? undefined : decodeCheckpoint(bytes, where);
}

/** Keeps `state` as supernet `name` (replacing the older one in one transaction). */
export async function keepSupernet(name: string, state: SupernetState): Promise<void> {
  const where = supernetLocation(name);
  await transact([STORES.supernets], 'readwrite', where, async (tx) => { await requestResult(tx.objectStore(STORES.supernets).put(encodeCheckpoint(state), name), where); });
}
