import { afterEach, describe, expect, it } from "vitest";
import { intId, preDownload, privateModel, type DownloadEvent } from "next-private-files";
import { sendPreDownload } from "../../../lib/private-files/src/hooks/pre-download";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("preDownload", () => {
  type Doc = { id: number; file: string };
  const docs = privateModel<Doc, number>({ id: intId, load: async () => null }).fields({ file: {} });
  const other = privateModel<Doc, number>({ id: intId, load: async () => null }).fields({ file: {} });
  const connected: ((event: DownloadEvent<never>) => unknown)[] = [];

  function event(model: string): DownloadEvent<unknown> {
    return {
      model,
      field: "file",
      recordId: "1",
      record: { id: 1, file: "a.txt" },
      request: new Request("http://localhost/files/docs/file/1/a.txt"),
      session: null,
      user: null,
      link: null,
      archive: null,
      range: null,
      size: 3,
      variant: null,
    };
  }

  afterEach(() => {
    for (const listener of connected.splice(0)) preDownload.disconnect(listener);
  });

  function track<L extends (event: DownloadEvent<never>) => unknown>(listener: L): L {
    connected.push(listener);
    return listener;
  }

  it("delivers to listeners of the sender and to global listeners, in order", async () => {
    const log: string[] = [];
    preDownload.connect(
      track((e: DownloadEvent<Doc>) => void log.push(`docs:${e.record.id}`)),
      { sender: docs },
    );
    preDownload.connect(track((e: DownloadEvent<unknown>) => void log.push(`all:${e.model}`)));
    await sendPreDownload(docs, event("docs"));
    await sendPreDownload(other, event("other"));
    expect(log).toEqual(["docs:1", "all:docs", "all:other"]);
  });

  it("connect returns a disconnect function and disconnect reports whether it was connected", async () => {
    let calls = 0;
    const listener = track(() => void calls++);
    const off = preDownload.connect(listener, { sender: docs });
    await sendPreDownload(docs, event("docs"));
    await sendPreDownload(other, event("other"));
    expect(calls).toBe(1);
    off();
    await sendPreDownload(docs, event("docs"));
    expect(calls).toBe(1);
    expect(preDownload.disconnect(listener)).toBe(false);
    preDownload.connect(listener);
    expect(preDownload.disconnect(listener)).toBe(true);
  });

  it("awaits async listeners one after another", async () => {
    const log: string[] = [];
    preDownload.connect(
      track(async () => {
        await sleep(25);
        log.push("slow");
      }),
    );
    preDownload.connect(track(() => void log.push("fast")));
    await sendPreDownload(docs, event("docs"));
    expect(log).toEqual(["slow", "fast"]);
  });

  it("a throwing listener rejects send and stops the later ones", async () => {
    let later = false;
    preDownload.connect(
      track(() => {
        throw new Error("no downloads today");
      }),
      { sender: docs },
    );
    preDownload.connect(track(() => void (later = true)));
    await expect(sendPreDownload(docs, event("docs"))).rejects.toThrow("no downloads today");
    expect(later).toBe(false);
  });

  it("connecting the same listener twice for the same sender calls it once", async () => {
    let calls = 0;
    const listener = track(() => void calls++);
    preDownload.connect(listener, { sender: docs });
    preDownload.connect(listener, { sender: docs });
    await sendPreDownload(docs, event("docs"));
    expect(calls).toBe(1);
  });
});
