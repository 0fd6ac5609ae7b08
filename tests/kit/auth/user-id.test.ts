import { describe, expect, it } from "vitest";
import { withStringUserId } from "../../../lib/private-files/src/auth/user-id";

// The one rule every adapter uses to give conditions a string `user.id`.
describe("withStringUserId", () => {
  it("keeps a session whose user has a string id as it is (no copy)", () => {
    const session = { user: { id: "u1", role: "admin" }, extra: 1 };
    expect(withStringUserId(session, "sub", "hint")).toBe(session);
  });

  it("turns a numeric id into its string; a missing or empty one becomes the fallback", () => {
    expect(withStringUserId({ user: { id: 42 } }, "sub", "hint")?.user.id).toBe("42");
    expect(withStringUserId({ user: { id: null, name: "A" } }, "sub-1", "hint")).toEqual({ user: { id: "sub-1", name: "A" } });
    expect(withStringUserId({ user: { id: "" } }, "sub-2", "hint")?.user.id).toBe("sub-2");
  });

  it("no session or no user: anonymous (null)", () => {
    for (const session of [null, undefined, {}, { user: null }, "x"]) expect(withStringUserId(session, "sub", "hint")).toBeNull();
  });

  it("a user with no id and no fallback throws with the hint (the route answers 503)", () => {
    expect(() => withStringUserId({ user: { name: "A" } }, undefined, "set it in the callback")).toThrow("session has no user id: set it in the callback");
  });
});
