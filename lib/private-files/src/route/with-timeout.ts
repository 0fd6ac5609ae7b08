/** A lookup, condition or listener that did not settle in time (answered 503). */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} did not answer within ${ms} ms`);
  }
}

/**
 * Settles like `work`, or rejects with a TimeoutError after `ms`. The work itself
 * cannot be cancelled and keeps running; the route simply stops waiting for it.
 */
export function withTimeout<T>(work: PromiseLike<T>, ms: number, what: string): Promise<T> {
  if (!Number.isFinite(ms)) return Promise.resolve(work);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([Promise.resolve(work), timeout]).finally(() => clearTimeout(timer));
}
