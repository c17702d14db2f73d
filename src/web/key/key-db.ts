/**
 * One IndexedDB object store holding the device key record. CryptoKey objects are stored as they
 * are (structured clone): a non-extractable private key stays non-extractable, and no script can
 * ever read its bytes.
 *
 * @example
 * ```ts
 * const db = openKeyDb();
 * await db.put(record);
 * const again = await db.get();
 * await db.remove();
 * ```
 */

const DB_NAME = "claude-relay";
const STORE = "device-key";
const RECORD = "current";

export interface KeyDb<T> {
  get(): Promise<T | undefined>;
  put(value: T): Promise<void>;
  remove(): Promise<void>;
}

/** The key store in this origin's IndexedDB. */
export function openKeyDb<T>(factory: IDBFactory = indexedDB): KeyDb<T> {
  let opened: Promise<IDBDatabase> | undefined;
  const database = () =>
    (opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error("cannot open IndexedDB"));
      request.onblocked = () => reject(new Error("IndexedDB is blocked by another tab of this page"));
    }));
  const run = async <R>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<R>): Promise<R> => {
    const db = await database();
    return new Promise<R>((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? request.error ?? new Error("IndexedDB transaction failed"));
      transaction.onabort = () => reject(transaction.error ?? new Error("IndexedDB transaction aborted"));
    });
  };
  return {
    get: () => run("readonly", (store) => store.get(RECORD) as IDBRequest<T | undefined>),
    put: async (value) => void (await run("readwrite", (store) => store.put(value, RECORD))),
    remove: async () => void (await run("readwrite", (store) => store.delete(RECORD))),
  };
}
