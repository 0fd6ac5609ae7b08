import type { PendingUpload } from "../upload/pending/types.js";

const MAX_ENTRIES = 10_000;

/**
 * The pending uploads this process saw lately, by id. A pending upload never changes
 * where its bytes go, so the tus datastore can map an id to its key without asking the
 * (shared) pending store on each of its calls; the route itself still reads the store
 * on every request, so a removed upload is refused before the datastore is reached.
 */
export class PendingCache {
  readonly #entries = new Map<string, PendingUpload>();

  get(id: string): PendingUpload | undefined {
    return this.#entries.get(id);
  }

  put(pending: PendingUpload): PendingUpload {
    this.#entries.delete(pending.id);
    this.#entries.set(pending.id, pending);
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string);
    return pending;
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }
}
