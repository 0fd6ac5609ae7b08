/** What a flush reports: nothing (all written), or per item its error or `undefined`. */
export type FlushResult = void | readonly unknown[];

/**
 * Group commit: the items handed in during one turn of the event loop are written
 * together, one `flush` per key, and each caller's promise settles when its key's write
 * has: it rejects when the flush throws, or when the flush reports an error for that
 * item (other keys, and other items, are not affected). On SQLite every commit waits
 * for the disk (fsync) with the whole process paused, so 16 concurrent downloads writing
 * a row each cost 16 of those pauses, or one. Nothing is kept for later: a caller whose
 * promise resolved knows its item is committed, as with a write of its own.
 */
export function groupCommit<K, T>(keyOf: (item: T) => K, flush: (key: K, items: readonly T[]) => Promise<FlushResult>): (item: T) => Promise<void> {
  const pending = new Map<K, { items: T[]; written: Promise<FlushResult> }>();
  return (item) => {
    const key = keyOf(item);
    let batch = pending.get(key);
    if (batch === undefined) {
      const created: { items: T[]; written: Promise<FlushResult> } = { items: [], written: Promise.resolve() };
      created.written = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        pending.delete(key); // items from now on go into the next batch
        return flush(key, created.items);
      });
      pending.set(key, created);
      batch = created;
    }
    const index = batch.items.push(item) - 1;
    return batch.written.then((errors) => {
      const error = errors?.[index];
      if (error !== undefined) throw error;
    });
  };
}
