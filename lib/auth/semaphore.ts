/** At most `slots` calls of `run` at a time; the rest wait in order. */
export function semaphore(slots: number) {
  let free = Math.max(1, Math.floor(slots));
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}
