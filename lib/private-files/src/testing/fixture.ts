import { afterEach, beforeEach } from "vitest";

/**
 * Makes a fresh fixture before each case of the enclosing `describe` and cleans it up
 * after, a failed case too; returns the current one (throws outside a case). Shared by
 * the contract suites, so each case starts on an empty store or storage.
 */
export function fixturePerCase<F extends { cleanup?: () => Promise<void> }>(make: () => F | Promise<F>): () => F {
  let fixture: F | undefined;
  beforeEach(async () => {
    fixture = await make();
  });
  afterEach(async () => {
    const done = fixture;
    fixture = undefined;
    await done?.cleanup?.();
  });
  return () => {
    if (!fixture) throw new Error("make() did not run");
    return fixture;
  };
}
