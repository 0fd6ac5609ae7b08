import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  createPrivateFileRoute,
  definePrivateFiles,
  intId,
  localFileStorage,
  owner,
  preDownload,
  privateModel,
  staff,
  withSession,
  type AccessRequest,
  type Condition,
  type DownloadEvent,
  type LinkUse,
  type SessionGetter,
  type SessionOf,
  type UserOf,
} from "next-private-files";
import { memoryLinkStore } from "../support/memory-link-store";

// The session type flows from the getter: through withSession into conditions written
// inline, into the `on` listeners, the module-level signals (by sender) and links
// (`createdBy: session.user`, `link.createdBy` on the event). The type checks are real:
// `npm run typecheck` compiles this file (tests/kit/tsconfig.json), so an
// `@ts-expect-error` that stops erroring, or an expectTypeOf that stops matching, fails CI.

type AppSession = { user: { id: string; role: "admin" | "member"; accountId: string }; tenant: string };
type Doc = { id: number; tenant: string; accountId: string; file: string | null };

const sessions: Record<string, AppSession> = {
  admin: { user: { id: "u1", role: "admin", accountId: "acc-1" }, tenant: "t-other" },
  member: { user: { id: "u2", role: "member", accountId: "acc-2" }, tenant: "t-1" },
  stranger: { user: { id: "u3", role: "member", accountId: "acc-3" }, tenant: "t-2" },
};
/** A hand-rolled getter: `Authorization: Bearer <name>` (the generic seam). */
const getSession: SessionGetter<AppSession> = async (request) => {
  const name = request.headers.get("authorization")?.replace(/^Bearer /, "");
  return (name && sessions[name]) || null;
};

const SECRET = "a-link-secret-of-at-least-32-characters!";
let root: string;
const off: (() => void)[] = [];
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "pf-session-types-"));
  await fs.mkdir(path.join(root, "docs"));
  await fs.writeFile(path.join(root, "docs", "a.txt"), "tenant file");
});
afterEach(async () => {
  for (const disconnect of off.splice(0)) disconnect();
  await fs.rm(root, { recursive: true, force: true });
});

const load = async (id: number): Promise<Doc | null> => (id === 1 ? { id, tenant: "t-1", accountId: "acc-2", file: "docs/a.txt" } : null);

function typedApp() {
  const events: DownloadEvent<Doc, AppSession>[] = [];
  const files = withSession(getSession);
  const docs = files.privateModel({ id: intId, load }).fields({
    // Inline: `session` is an AppSession and `user` its user, with no annotation.
    file: { condition: ({ session, user }, doc) => user?.role === "admin" || session?.tenant === doc.tenant, links: { signed: true } },
  });
  const privateFiles = files.definePrivateFiles({
    models: { docs },
    storage: localFileStorage({ root }),
    links: { secrets: [SECRET], store: memoryLinkStore() },
    on: { preDownload: (event) => void events.push(event) },
  });
  return { docs, privateFiles, route: createPrivateFileRoute(privateFiles), events };
}

const url = "http://localhost/files/docs/file/1/a.txt";
const as = (who?: string) => new Request(url, { headers: who ? { authorization: `Bearer ${who}` } : {} });

describe("the session type flows from the getter", () => {
  it("withSession: an inline condition reads the app's own session fields, and the answers follow them", async () => {
    const { route } = typedApp();
    expect((await route.GET(as("admin"))).status).toBe(200);
    expect((await route.GET(as("member"))).status).toBe(200);
    expect((await route.GET(as("stranger"))).status).toBe(403);
    expect((await route.GET(as())).status).toBe(401);
  });

  it("the configuration's listeners and the module-level signal (by sender) see the app's session, typed", async () => {
    const { route, docs, events } = typedApp();
    const roles: string[] = [];
    off.push(
      preDownload.connect(
        (event) => {
          expectTypeOf(event.session).toEqualTypeOf<AppSession | null>();
          expectTypeOf(event.user).toEqualTypeOf<AppSession["user"] | null>();
          roles.push(`${event.user?.role} of ${event.session?.tenant}`);
        },
        { sender: docs },
      ),
    );
    const response = await route.GET(as("member"));
    await response.arrayBuffer();
    expect(roles).toEqual(["member of t-1"]);
    expect(events.map((event) => [event.user?.accountId, event.session?.tenant])).toEqual([["acc-2", "t-1"]]);
  });

  it("a link made with `createdBy: session.user` records the user's id, and the download's event says who made it", async () => {
    const { privateFiles, route, events } = typedApp();
    const doc = (await load(1))!;
    const link = await privateFiles.createFileLink("docs", "file", doc, { createdBy: sessions.admin!.user });
    const response = await route.GET(new Request(new URL(link.url, "http://localhost")));
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(await privateFiles.links.find(link.id)).toMatchObject({ createdBy: "u1" });
    expectTypeOf(events[0]!.link).toEqualTypeOf<LinkUse | null>();
    expect(events[0]!.link).toMatchObject({ id: link.id, createdBy: "u1" });
    // An id as a string is still accepted, as before.
    const byId = await privateFiles.createFileLink("docs", "file", doc, { createdBy: "u2" });
    expect(await privateFiles.links.find(byId.id)).toMatchObject({ createdBy: "u2" });
  });

  it("owner() and staff() take accessors typed by the session's user", async () => {
    const byAccount = owner<Doc, AppSession>("accountId", (user) => user.accountId);
    const admins = staff<AppSession>((user) => user.role === "admin");
    const docs = withSession(getSession).privateModel({ id: intId, load }).fields({ file: { condition: byAccount } });
    const adminOnly = withSession(getSession).privateModel({ id: intId, load }).fields({ file: { condition: admins } });
    const route = createPrivateFileRoute(definePrivateFiles({ models: { docs, adminOnly }, getSession, storage: localFileStorage({ root }) }));
    expect((await route.GET(as("member"))).status).toBe(200); // accountId acc-2 owns it
    expect((await route.GET(as("admin"))).status).toBe(403);
    expect((await route.GET(new Request(url.replace("/docs/", "/adminOnly/"), { headers: { authorization: "Bearer admin" } }))).status).toBe(200);
    expect((await route.GET(new Request(url.replace("/docs/", "/adminOnly/"), { headers: { authorization: "Bearer member" } }))).status).toBe(403);
  });
});

describe("what does not compile", () => {
  it("type checks (compiled by npm run typecheck; nothing to run)", () => {
    expectTypeOf<SessionOf<typeof getSession>>().toEqualTypeOf<AppSession>();
    expectTypeOf<UserOf<AppSession>>().toEqualTypeOf<AppSession["user"]>();
    expectTypeOf<AccessRequest<AppSession>["user"]>().toEqualTypeOf<AppSession["user"] | null>();

    // A model written for the kit's default Session fits any getter whose user has a string id.
    const plain = privateModel({ id: intId, load }).fields({ file: { condition: owner("accountId") } });
    definePrivateFiles({ models: { plain }, getSession });

    // A model whose conditions read `role` does not fit a getter whose session has none.
    const needsRole = withSession(getSession).privateModel({ id: intId, load }).fields({ file: { condition: ({ user }) => user?.role === "admin" } });
    const bare: SessionGetter<{ user: { id: string } }> = async () => null;
    // @ts-expect-error - the getter's sessions lack the `role` and `tenant` these conditions read
    definePrivateFiles({ models: { needsRole }, getSession: bare });
    definePrivateFiles({ models: { needsRole }, getSession });

    // A getter whose user has no string id is not a session getter.
    // @ts-expect-error - user.id is missing
    definePrivateFiles({ models: { plain }, getSession: async () => ({ user: { email: "a@example.com" } }) });

    // Inline conditions see the session type; a field that is not there does not compile.
    withSession(getSession)
      .privateModel({ id: intId, load })
      // @ts-expect-error - AppSession has no `organization`
      .fields({ file: { condition: ({ session }) => session?.organization === "x" } });

    const typedCondition: Condition<Doc, AppSession> = ({ user }, doc) => user?.accountId === doc.accountId;
    expectTypeOf(typedCondition).parameter(0).toEqualTypeOf<AccessRequest<AppSession>>();
    expect(true).toBe(true);
  });
});
