import { describe, expect, it } from "vitest";
import {
  allOf,
  anyOf,
  anyone,
  owner,
  signedIn,
  staff,
  type AccessRequest,
  type Condition,
  type SessionUser,
} from "next-private-files";

const request = new Request("http://localhost/files/M/f/1/a.txt");

/** Session users of any shape: conditions must cope with what a session really holds. */
function access(fields: Record<string, unknown> | null): AccessRequest {
  const user = fields as SessionUser | null;
  const session = user ? { user } : null;
  return { request, session, user };
}

const anonymous = access(null);
const alice = access({ id: "7", name: "Alice", email: "alice@example.com" });

describe("signedIn", () => {
  it("grants a signed-in user and denies anonymous", () => {
    expect(signedIn(alice, {})).toBe(true);
    expect(signedIn(anonymous, {})).toBe(false);
  });
});

describe("anyone", () => {
  it("grants everybody", () => {
    expect(anyone(anonymous, {})).toBe(true);
    expect(anyone(alice, {})).toBe(true);
  });
});

describe("owner", () => {
  type Doc = { id: number; ownerId: number | string | null | undefined };
  const isOwner = owner<Doc>("ownerId");

  it("grants when the numeric foreign key equals the session's string id", () => {
    expect(isOwner(alice, { id: 1, ownerId: 7 })).toBe(true);
  });

  it("compares what an accessor reads from the session user, when given one", () => {
    const byAccount = owner<Doc>("ownerId", (user) => (user as { accountId?: string }).accountId);
    expect(byAccount(access({ id: 1, accountId: "7" }), { id: 1, ownerId: 7 })).toBe(true);
    expect(byAccount(access({ id: 7 }), { id: 1, ownerId: 7 })).toBe(false);
    expect(byAccount(access(null), { id: 1, ownerId: 7 })).toBe(false);
  });

  it("grants when both ids are strings, and when both are numbers", () => {
    expect(isOwner(alice, { id: 1, ownerId: "7" })).toBe(true);
    expect(isOwner(access({ id: 7 }), { id: 1, ownerId: 7 })).toBe(true);
  });

  it("denies another user", () => {
    expect(isOwner(alice, { id: 1, ownerId: 8 })).toBe(false);
    expect(isOwner(alice, { id: 1, ownerId: "70" })).toBe(false);
  });

  it("denies anonymous", () => {
    expect(isOwner(anonymous, { id: 1, ownerId: 7 })).toBe(false);
  });

  it("denies a user without an id", () => {
    expect(isOwner(access({ name: "No id" }), { id: 1, ownerId: 7 })).toBe(false);
  });

  it("denies when the record has no owner", () => {
    expect(isOwner(alice, { id: 1, ownerId: null })).toBe(false);
    expect(isOwner(alice, { id: 1, ownerId: undefined })).toBe(false);
    expect(owner<Record<string, unknown>>("missing")(alice, { id: 1 })).toBe(false);
  });

  it("never grants a user with a null id to a record with a null owner", () => {
    expect(isOwner(access({ id: null }), { id: 1, ownerId: null })).toBe(false);
  });
});

describe("staff", () => {
  it("by default grants a user with isStaff: true", () => {
    expect(staff()(access({ name: "S", isStaff: true }), {})).toBe(true);
  });

  it("by default denies a user without the flag, a truthy non-true flag, and anonymous", () => {
    expect(staff()(alice, {})).toBe(false);
    expect(staff()(access({ name: "S", isStaff: "yes" }), {})).toBe(false);
    expect(staff()(anonymous, {})).toBe(false);
  });

  it("uses a custom predicate", () => {
    const admins = staff((user) => user.email?.endsWith("@admin.example") === true);
    expect(admins(access({ email: "root@admin.example" }), {})).toBe(true);
    expect(admins(alice, {})).toBe(false);
  });

  it("never calls the predicate for anonymous", () => {
    let called = false;
    const condition = staff(() => {
      called = true;
      return true;
    });
    expect(condition(anonymous, {})).toBe(false);
    expect(called).toBe(false);
  });
});

describe("anyOf / allOf", () => {
  const record = {};
  const yes: Condition<unknown> = () => true;
  const no: Condition<unknown> = () => false;
  const asyncYes: Condition<unknown> = async () => true;
  const asyncNo: Condition<unknown> = async () => false;
  const boom: Condition<unknown> = () => {
    throw new Error("must not be reached");
  };

  function recording(log: string[], name: string, answer: boolean): Condition<unknown> {
    return async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(name);
      return answer;
    };
  }

  it("anyOf grants when any condition grants, sync or async", async () => {
    expect(await anyOf(no, asyncYes)(alice, record)).toBe(true);
    expect(await anyOf(no, asyncNo)(alice, record)).toBe(false);
    expect(await anyOf()(alice, record)).toBe(false);
  });

  it("allOf grants only when every condition grants", async () => {
    expect(await allOf(yes, asyncYes)(alice, record)).toBe(true);
    expect(await allOf(yes, asyncNo)(alice, record)).toBe(false);
  });

  it("anyOf stops at the first yes: a later condition that throws is not reached", async () => {
    await expect(anyOf(no, yes, boom)(alice, record)).resolves.toBe(true);
  });

  it("allOf stops at the first no: a later condition that throws is not reached", async () => {
    await expect(allOf(yes, no, boom)(alice, record)).resolves.toBe(false);
  });

  it("a throwing condition that is reached rejects", async () => {
    await expect(anyOf(no, boom)(alice, record)).rejects.toThrow("must not be reached");
    await expect(allOf(yes, boom)(alice, record)).rejects.toThrow("must not be reached");
  });

  it("evaluates in order, one after another", async () => {
    const log: string[] = [];
    await anyOf(recording(log, "a", false), recording(log, "b", false), recording(log, "c", true), recording(log, "d", true))(alice, record);
    expect(log).toEqual(["a", "b", "c"]);
    log.length = 0;
    await allOf(recording(log, "a", true), recording(log, "b", false), recording(log, "c", true))(alice, record);
    expect(log).toEqual(["a", "b"]);
  });

  it("composes with the ready-made conditions", async () => {
    const ownerOrStaff = anyOf<{ ownerId: number }>(owner("ownerId"), staff());
    expect(await ownerOrStaff(alice, { ownerId: 7 })).toBe(true);
    expect(await ownerOrStaff(access({ id: "1", isStaff: true }), { ownerId: 7 })).toBe(true);
    expect(await ownerOrStaff(access({ id: "1" }), { ownerId: 7 })).toBe(false);
  });
});
