/**
 * At most `slots` tasks at once, the rest queued in order: the cap on simultaneous
 * resizes. sharp works off the main thread, but each resize holds libuv and libvips
 * threads and its pixels; past the cap, requests wait instead of starving the file
 * system reads every other download needs.
 */
export class TaskLimit {
  #running = 0;
  readonly #queue: (() => void)[] = [];

  constructor(readonly slots: number) {}

  /** Runs `task` when a slot is free; resolves or rejects as it does. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.slots) await new Promise<void>((resolve) => this.#queue.push(resolve));
    else this.#running += 1;
    try {
      return await task();
    } finally {
      const next = this.#queue.shift();
      // The slot passes straight to the next in line; only when none waits is it freed.
      if (next) next();
      else this.#running -= 1;
    }
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }
}
