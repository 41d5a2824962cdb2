// IndexedDB as promises (web-standard; a page or a worker): the app's one database, its object stores, and
// one-request transactions. Writes ask for 'strict' durability: a put resolves once the browser has it on
// disk, as the directory store's fsync (a crash after it cannot lose it).
import { GibbonError } from '../util/errors.ts';

/** The app's database and its object stores (keys: [run, name] for documents, [run, index] for the journal). */
export const APP_DB = 'gibbon-ts';
export const STORES = { documents: 'run-documents', journal: 'run-journal', runs: 'runs', supernets: 'supernets' } as const;
type StoreName = (typeof STORES)[keyof typeof STORES];
const VERSION = 1;

/** The request's result, or its error as one E_FILE line naming `what`. */
export function requestResult<T>(request: IDBRequest<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new GibbonError('E_FILE', `${what}: IndexedDB: ${request.error?.message ?? 'request failed'}`, { source: what }));
  });
}

let opened: Promise<IDBDatabase> | undefined;

/** The app's database (opened once per page or worker; created or upgraded on first use). */
export function appDatabase(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new GibbonError('E_FILE', `${APP_DB}: this browser has no IndexedDB; allowed: a browser with IndexedDB (not a private window that disables it)`));
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(APP_DB, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const name of Object.values(STORES)) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new GibbonError('E_FILE', `${APP_DB}: cannot open IndexedDB (${request.error?.message ?? 'unknown error'})`, { source: APP_DB }));
    request.onblocked = () => reject(new GibbonError('E_FILE', `${APP_DB}: IndexedDB is blocked by another tab with an older version of the app; allowed: reload or close the other tabs`, { source: APP_DB }));
  });
  return opened;
}

/** Runs `body` in one transaction over `stores` and resolves with its result once the transaction commits. */
export async function transact<T>(stores: StoreName[], mode: IDBTransactionMode, what: string, body: (tx: IDBTransaction) => Promise<T> | T): Promise<T> {
  const db = await appDatabase();
  const tx = db.transaction(stores, mode, { durability: mode === 'readwrite' ? 'strict' : 'default' });
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    const fail = () => reject(new GibbonError('E_FILE', `${what}: IndexedDB: ${tx.error?.message ?? 'transaction aborted'}`, { source: what }));
    tx.onerror = fail;
    tx.onabort = fail;
  });
  let result: T;
  try {
    result = await body(tx);
  } catch (error) {
    done.catch(() => {}); // the transaction's own failure is this error's echo
    try { tx.abort(); } catch { /* already finished */ }
    throw error;
  }
  await done;
  return result;
}

/** Every key in `store` within `range`. */
export function keysOf(tx: IDBTransaction, store: StoreName, range: IDBKeyRange | undefined, what: string): Promise<IDBValidKey[]> {
  return requestResult(tx.objectStore(store).getAllKeys(range), what);
}

/** The key range of every [run, x] key. */
export const runRange = (run: string): IDBKeyRange => IDBKeyRange.bound([run], [run, []]);
