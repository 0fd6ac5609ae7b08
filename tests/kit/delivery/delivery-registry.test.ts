import { afterEach, describe, expect, it } from "vitest";
import {
  createPrivateFileRoute,
  definePrivateFiles,
  DELIVERY_MODES,
  downloadFinished,
  intId,
  preDownload,
  privateModel,
  type Delivery,
  type FileStorage,
  type OpenedFile,
} from "next-private-files";
import type { DeliveryMode, Handoff } from "../../../lib/private-files/src/delivery/mode";
import { DELIVERY_MODE_REGISTRY } from "../../../lib/private-files/src/delivery/registry";

// Delivery modes are modules in a registry keyed by name: a mode registered there is
// used by the route as it is, with no change to the route. Here test-only modes go
// through the real route in process, with a storage that records opens and closes.

type Doc = { id: number; file: string; name: string };
const DATA = new TextEncoder().encode("the bytes of the file");

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Registers a mode for one test. */
function register(mode: DeliveryMode): void {
  DELIVERY_MODE_REGISTRY.set(mode.name, mode);
  cleanups.push(() => DELIVERY_MODE_REGISTRY.delete(mode.name));
}

function setup(delivery: string) {
  const events: string[] = [];
  const storage: FileStorage = {
    open: async (): Promise<OpenedFile> => ({
      size: DATA.length,
      lastModified: new Date("2026-01-01T00:00:00Z"),
      etag: '"e"',
      stream: () => new Blob([DATA]).stream(),
      close: async () => void events.push("close"),
    }),
    save: () => Promise.reject(new Error("unused")),
    delete: async () => undefined,
  };
  const logged: { message: string; details?: Record<string, unknown> }[] = [];
  const docs = privateModel<Doc, number>({ id: intId, load: async (id) => ({ id, file: "docs/a.txt", name: "a.txt" }) }).fields({
    // A mode the public Delivery type does not know yet: what a new mode's config looks like before its variant is added.
    file: { originalName: "name", condition: async () => true, delivery: { mode: delivery } as unknown as Delivery },
  });
  const route = createPrivateFileRoute(
    definePrivateFiles({ models: { docs }, getSession: async () => null, storage, logger: { warn: () => undefined, error: (message, details) => void logged.push({ message, details }) } }),
  );
  cleanups.push(preDownload.connect(() => void events.push("preDownload"), { sender: docs }));
  cleanups.push(downloadFinished.connect((event) => void events.push(`finished ${event.outcome} ${event.status} ${event.bytesSent}`), { sender: docs }));
  const get = (headers: Record<string, string> = {}) => route.GET(new Request("http://localhost/files/docs/file/1/a.txt", { headers }));
  return { events, logged, get };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("the delivery mode registry", () => {
  it("has a mode for every name in DELIVERY_MODES", () => {
    expect([...DELIVERY_MODE_REGISTRY.keys()].sort()).toEqual([...DELIVERY_MODES].sort());
    for (const name of DELIVERY_MODES) expect(DELIVERY_MODE_REGISTRY.get(name)!.name).toBe(name);
  });

  it("a registered offloading mode answers the download: after preDownload, the file closed first, the download reported offloaded", async () => {
    const seen: Handoff[] = [];
    register({
      name: "test-handover",
      offloads: true,
      deliver(delivery, handoff) {
        seen.push(handoff);
        const headers = new Headers({ "X-Test-Handover": `${(delivery as unknown as { mode: string }).mode} ${handoff.storedPath}`, "Content-Type": handoff.headers.get("content-type")! });
        return new Response(null, { status: 202, headers });
      },
    });
    const { events, get } = setup("test-handover");
    const response = await get({ Range: "bytes=4-8" });
    expect(response.status).toBe(202);
    expect(response.headers.get("x-test-handover")).toBe("test-handover docs/a.txt");
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(seen.map(({ status, range }) => ({ status, range }))).toEqual([{ status: 206, range: { start: 4, end: 8 } }]);
    await settle();
    expect(events).toEqual(["preDownload", "close", "finished offloaded 202 0"]);
  });

  it("a registered mode that sends the bytes itself gets the open file and reports through handoff.report", async () => {
    register({
      name: "test-reversed",
      offloads: false,
      async deliver(_delivery, { file, status, headers, report }) {
        const bytes = new Uint8Array(await new Response(file.stream()).arrayBuffer()).reverse();
        await file.close();
        report("completed", bytes.length);
        return new Response(bytes, { status, headers });
      },
    });
    const { events, get } = setup("test-reversed");
    const response = await get();
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(DATA.slice().reverse());
    await settle();
    expect(events).toEqual(["preDownload", "close", `finished completed 200 ${DATA.length}`]);
  });

  it("a mode that throws: 500, logged with its name, the download reported failed", async () => {
    register({
      name: "test-broken",
      offloads: true,
      deliver: () => {
        throw new Error("cannot hand over");
      },
    });
    const { events, logged, get } = setup("test-broken");
    expect((await get()).status).toBe(500);
    await settle();
    expect(events).toEqual(["preDownload", "close", "finished failed 500 0"]);
    expect(logged).toEqual([{ message: "could not hand the download over", details: { model: "docs", field: "file", mode: "test-broken", error: "Error: cannot hand over" } }]);
  });

  it("a name no mode is registered for: refused at start-up, naming the field and the mode", () => {
    expect(() => setup("test-unregistered")).toThrow('docs.file: unknown delivery mode "test-unregistered"');
  });
});
