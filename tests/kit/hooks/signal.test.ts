import { describe, expect, it } from "vitest";
import { Signal } from "../../../lib/private-files/src/hooks/signal";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Signal", () => {
  const A = { name: "A" };
  const B = { name: "B" };

  it("connect returns a function that disconnects the listener", async () => {
    const signal = new Signal<number, object>();
    const seen: number[] = [];
    const off = signal.connect((n) => seen.push(n));
    await signal.send(A, 1);
    off();
    await signal.send(A, 2);
    expect(seen).toEqual([1]);
  });

  it("disconnect(listener) is true when it was connected, false otherwise", () => {
    const signal = new Signal<number, object>();
    const listener = () => undefined;
    expect(signal.disconnect(listener)).toBe(false);
    signal.connect(listener);
    expect(signal.disconnect(listener)).toBe(true);
    expect(signal.disconnect(listener)).toBe(false);
  });

  it("disconnect(listener) removes it for every sender", async () => {
    const signal = new Signal<number, object>();
    let calls = 0;
    const listener = () => void calls++;
    signal.connect(listener, { sender: A });
    signal.connect(listener, { sender: B });
    expect(signal.disconnect(listener)).toBe(true);
    await signal.send(A, 1);
    await signal.send(B, 1);
    expect(calls).toBe(0);
  });

  it("runs listeners in connect order, each awaited before the next", async () => {
    const signal = new Signal<string, object>();
    const log: string[] = [];
    signal.connect(async () => {
      log.push("first:start");
      await sleep(30);
      log.push("first:end");
    });
    signal.connect(async () => {
      log.push("second:start");
      await sleep(5);
      log.push("second:end");
    });
    signal.connect(() => void log.push("third"));
    await signal.send(A, "x");
    expect(log).toEqual(["first:start", "first:end", "second:start", "second:end", "third"]);
  });

  it("send resolves only after the last listener finished", async () => {
    const signal = new Signal<string, object>();
    let done = false;
    signal.connect(async () => {
      await sleep(20);
      done = true;
    });
    await signal.send(A, "x");
    expect(done).toBe(true);
  });

  it("passes the event to each listener", async () => {
    const signal = new Signal<{ n: number }, object>();
    const seen: unknown[] = [];
    signal.connect((event) => void seen.push(event));
    const event = { n: 1 };
    await signal.send(A, event);
    expect(seen).toEqual([event]);
    expect(seen[0]).toBe(event);
  });

  it("calls a listener with a sender only for that sender; one without a sender for all", async () => {
    const signal = new Signal<string, object>();
    const log: string[] = [];
    signal.connect((e) => void log.push(`onlyA:${e}`), { sender: A });
    signal.connect((e) => void log.push(`all:${e}`));
    await signal.send(A, "a");
    await signal.send(B, "b");
    expect(log).toEqual(["onlyA:a", "all:a", "all:b"]);
  });

  it("a throwing listener rejects send and later listeners do not run", async () => {
    const signal = new Signal<string, object>();
    const log: string[] = [];
    signal.connect(() => void log.push("before"));
    signal.connect(async () => {
      await sleep(5);
      throw new Error("listener failed");
    });
    signal.connect(() => void log.push("after"));
    await expect(signal.send(A, "x")).rejects.toThrow("listener failed");
    expect(log).toEqual(["before"]);
  });

  it("connecting the same listener twice for the same sender calls it once", async () => {
    const signal = new Signal<string, object>();
    let calls = 0;
    const listener = () => void calls++;
    signal.connect(listener, { sender: A });
    signal.connect(listener, { sender: A });
    await signal.send(A, "x");
    expect(calls).toBe(1);
  });

  it("the same listener connected for two senders runs once per matching send", async () => {
    const signal = new Signal<string, object>();
    const seen: string[] = [];
    const listener = (e: string) => void seen.push(e);
    signal.connect(listener, { sender: A });
    signal.connect(listener, { sender: B });
    await signal.send(A, "a");
    await signal.send(B, "b");
    expect(seen).toEqual(["a", "b"]);
  });

  it("a listener that disconnects itself does not make send skip the next one", async () => {
    const signal = new Signal<string, object>();
    const log: string[] = [];
    const self = () => {
      log.push("self");
      signal.disconnect(self);
    };
    signal.connect(self);
    signal.connect(() => void log.push("next"));
    await signal.send(A, "x");
    await signal.send(A, "y");
    expect(log).toEqual(["self", "next", "next"]);
  });
});
