import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clamdScanner } from "next-private-files/clamav";
import { ScannerUnavailableError } from "../../../lib/private-files/src/scan/errors";
import { startClamd, type TestClamd } from "../../support/clamd";
import { streamOf } from "../../support/streams";

// clamdScanner against Debian's real clamd (tests/support/clamd.ts: a generated EICAR
// database, a unix socket in a temp dir, TCP on loopback), and against small net servers
// that misbehave the ways a clamd can: silent, hanging up mid-file, answering nonsense.

const MiB = 1024 * 1024;

/** A source that makes its chunks on demand and counts what was pulled and whether it was cancelled. */
function countingSource(chunks: number, chunkBytes: number, fill = 0x61, onPull?: () => void) {
  const state = { pulled: 0, cancelled: false, cancelReason: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        onPull?.();
        if (state.pulled >= chunks * chunkBytes) return controller.close();
        state.pulled += chunkBytes;
        controller.enqueue(new Uint8Array(chunkBytes).fill(fill));
      },
      cancel(reason) {
        state.cancelled = true;
        state.cancelReason = reason;
      },
    },
    // Nothing queued ahead: a chunk exists only once the scanner asks for it.
    { highWaterMark: 0 },
  );
  return { stream, state };
}

/** A unix-socket server in a temp dir, for a clamd that misbehaves; closed in afterAll. */
const servers: { server: net.Server; sockets: Set<net.Socket> }[] = [];
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-clamd-fake-"));
async function fakeClamd(onConnection: (socket: net.Socket) => void): Promise<{ socketPath: string; received: () => number; open: () => Promise<number> }> {
  const socketPath = path.join(tempDir, `fake-${servers.length}.sock`);
  const sockets = new Set<net.Socket>();
  let received = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("data", (data) => (received += data.length));
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    onConnection(socket);
  });
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  // Connections still open once pending close events have run: 0 when the scanner let go.
  const open = async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return sockets.size;
  };
  return { socketPath, received: () => received, open };
}

async function unavailable(promise: Promise<unknown>): Promise<ScannerUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScannerUnavailableError);
  return error as ScannerUnavailableError;
}

let clamd: TestClamd;
beforeAll(async () => {
  clamd = await startClamd({ tcp: true });
}, 60_000);

afterAll(async () => {
  await clamd?.stop();
  for (const { server, sockets } of servers) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  fs.rmSync(tempDir, { recursive: true, force: true });
});

describe("clamdScanner against a real clamd", () => {
  it("finds EICAR, naming the signature clamd reported", async () => {
    const scanner = clamdScanner({ socketPath: clamd.socketPath });
    await expect(scanner.scan(streamOf([clamd.eicar]), { name: "eicar.com", size: clamd.eicar.length })).resolves.toEqual({
      clean: false,
      signature: clamd.eicarSignature,
    });
  });

  it("finds EICAR split over many small chunks and after an empty chunk (an empty chunk must not end the stream)", async () => {
    const scanner = clamdScanner({ socketPath: clamd.socketPath }, { chunkBytes: 7 });
    const e = clamd.eicar;
    const chunks = [new Uint8Array(0), e.subarray(0, 30), new Uint8Array(0), e.subarray(30)];
    await expect(scanner.scan(streamOf(chunks), { name: "eicar.com", size: e.length })).resolves.toEqual({ clean: false, signature: clamd.eicarSignature });
  });

  it("passes a clean file", async () => {
    const scanner = clamdScanner({ socketPath: clamd.socketPath });
    const text = new TextEncoder().encode("a perfectly ordinary report\n");
    await expect(scanner.scan(streamOf([text]), { name: "report.txt", size: text.length })).resolves.toEqual({ clean: true });
  });

  it("streams a 64 MiB clean file in 256 chunks without reading ahead of what clamd took", { timeout: 60_000 }, async () => {
    // A relay between the scanner and clamd counts the bytes the scanner actually sent;
    // each pull of the source records how far it ran ahead of them.
    const relayPath = path.join(tempDir, "relay.sock");
    let sent = 0;
    let maxAhead = 0;
    const relay = net.createServer((client) => {
      const upstream = net.createConnection({ path: clamd.socketPath });
      client.on("data", (data) => (sent += data.length));
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(relayPath, resolve));
    try {
      const chunkBytes = 256 * 1024;
      const { stream, state } = countingSource(256, chunkBytes, 0x61, () => (maxAhead = Math.max(maxAhead, state.pulled - sent)));
      const scanner = clamdScanner({ socketPath: relayPath }, { chunkBytes: 64 * 1024 });
      await expect(scanner.scan(stream, { name: "big.bin", size: 64 * MiB })).resolves.toEqual({ clean: true });
      expect(state.pulled).toBe(64 * MiB);
      expect(sent).toBeGreaterThan(64 * MiB); // the file plus the command and chunk headers
      // Reading ahead is bounded by a chunk or two and the sockets' buffers, not the file.
      expect(maxAhead).toBeLessThan(4 * MiB);
    } finally {
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it("pulls nothing more while clamd does not read (backpressure), then finishes when it does", { timeout: 30_000 }, async () => {
    let resume!: () => void;
    const fake = await fakeClamd((socket) => {
      socket.pause();
      resume = () => socket.resume();
      let tail = Buffer.alloc(0);
      socket.on("data", (data) => {
        tail = Buffer.concat([tail, data]).subarray(-4);
        if (tail.equals(Buffer.alloc(4))) socket.end("stream: OK\0");
      });
    });
    const { stream, state } = countingSource(256, 256 * 1024);
    const scan = clamdScanner({ socketPath: fake.socketPath }).scan(stream, { name: "big.bin", size: 64 * MiB });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(state.pulled).toBeGreaterThan(0);
    expect(state.pulled).toBeLessThan(8 * MiB);
    resume();
    await expect(scan).resolves.toEqual({ clean: true });
    expect(state.pulled).toBe(64 * MiB);
  });

  it("fails closed when the file is over clamd's StreamMaxLength, and cancels the rest of the input", { timeout: 30_000 }, async () => {
    const small = await startClamd({ streamMaxLength: "1M" });
    try {
      const { stream, state } = countingSource(64, 64 * 1024); // 4 MiB
      const error = await unavailable(clamdScanner({ socketPath: small.socketPath }).scan(stream, { name: "video.mp4", size: 4 * MiB }));
      expect(error.message).toContain(small.socketPath);
      // clamd answers "INSTREAM size limit exceeded. ERROR" and hangs up; when the hang-up
      // reaches a write before its answer is read, all that is left is the reset.
      expect(error.message).toMatch(/size limit exceeded|closed the connection while the file was being sent/);
      expect(error.message).toContain("StreamMaxLength");
      expect(error.status).toBe(503);
      expect(state.cancelled).toBe(true);
      expect(state.pulled).toBeLessThan(4 * MiB);
    } finally {
      await small.stop();
    }
  });

  it("with AlertExceedsMax, a file over clamd's MaxFileSize is refused (422), not passed unscanned", { timeout: 30_000 }, async () => {
    // clamd's default is to answer OK for a file over MaxFileSize without scanning it;
    // docs/scanning.md tells production to set AlertExceedsMax, and this is what it gives.
    const strict = await startClamd({ config: ["MaxFileSize 1M", "MaxScanSize 1M", "AlertExceedsMax yes"] });
    try {
      const { stream } = countingSource(32, 64 * 1024); // 2 MiB of "a"
      await expect(clamdScanner({ socketPath: strict.socketPath }).scan(stream, { name: "big.txt", size: 2 * MiB })).resolves.toEqual({
        clean: false,
        signature: expect.stringMatching(/^Heuristics\.Limits\.Exceeded\.Max(File|Scan)Size$/),
      });
    } finally {
      await strict.stop();
    }
  });

  it("works over TCP too, and answers ping on both", async () => {
    expect(clamd.port).toBeTypeOf("number");
    const scanner = clamdScanner({ host: "127.0.0.1", port: clamd.port! });
    await expect(scanner.ping()).resolves.toBeUndefined();
    await expect(clamdScanner({ socketPath: clamd.socketPath }).ping()).resolves.toBeUndefined();
    await expect(scanner.scan(streamOf([clamd.eicar]), { name: "eicar.com", size: clamd.eicar.length })).resolves.toEqual({ clean: false, signature: clamd.eicarSignature });
    await expect(scanner.scan(streamOf([new Uint8Array(1000)]), { name: "zeros", size: 1000 })).resolves.toEqual({ clean: true });
  });
});

describe("clamdScanner's side of the protocol", () => {
  /** A fake clamd that keeps everything it is sent and answers OK after the zero-length chunk. */
  async function recordingClamd() {
    const sessions: Buffer[] = [];
    const fake = await fakeClamd((socket) => {
      let all = Buffer.alloc(0);
      socket.on("data", (data) => {
        all = Buffer.concat([all, data]);
        const frames = framesOf(all);
        if (frames?.at(-1) === 0) {
          sessions.push(all);
          socket.end("stream: OK\0");
        }
      });
    });
    return { ...fake, sessions };
  }

  /** The chunk lengths after "zINSTREAM\0", or undefined while a frame is incomplete. */
  function framesOf(bytes: Buffer): number[] | undefined {
    const command = "zINSTREAM\0";
    if (bytes.length < command.length) return undefined;
    expect(bytes.subarray(0, command.length).toString("latin1")).toBe(command);
    const lengths: number[] = [];
    for (let at = command.length; ; ) {
      if (at + 4 > bytes.length) return undefined;
      const length = bytes.readUInt32BE(at);
      lengths.push(length);
      if (length === 0) return at + 4 === bytes.length ? lengths : undefined;
      at += 4 + length;
    }
  }

  it("sends zINSTREAM, then big-endian length-prefixed chunks no bigger than chunkBytes, then a zero length", async () => {
    const fake = await recordingClamd();
    const scanner = clamdScanner({ socketPath: fake.socketPath }, { chunkBytes: 1000 });
    const input = [new Uint8Array(2500).fill(1), new Uint8Array(0), new Uint8Array(10).fill(2)];
    await expect(scanner.scan(streamOf(input), { name: "a.bin", size: 2510 })).resolves.toEqual({ clean: true });
    expect(fake.sessions).toHaveLength(1);
    expect(framesOf(fake.sessions[0]!)).toEqual([1000, 1000, 500, 10, 0]);
  });

  it("does not count a slow upload stream as clamd's silence: timeoutMs runs only while clamd owes something", async () => {
    const fake = await recordingClamd();
    const scanner = clamdScanner({ socketPath: fake.socketPath }, { timeoutMs: 150 });
    let sent = 0;
    const slow = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (sent === 3) return controller.close();
          await new Promise((resolve) => setTimeout(resolve, 400));
          sent += 1;
          controller.enqueue(new Uint8Array(100));
        },
      },
      { highWaterMark: 0 },
    );
    await expect(scanner.scan(slow, { name: "slow.bin", size: 300 })).resolves.toEqual({ clean: true });
    expect(framesOf(fake.sessions[0]!)).toEqual([100, 100, 100, 0]);
  });
});

describe("clamdScanner fails closed when clamd cannot answer", () => {
  it("a clamd that was stopped: unavailable on its socket and its port, and the input is cancelled", { timeout: 30_000 }, async () => {
    const gone = await startClamd({ tcp: true });
    await gone.stop();
    expect(fs.existsSync(path.dirname(gone.socketPath))).toBe(false); // its temp dir went with it
    const { stream, state } = countingSource(4, 1024);
    const overSocket = await unavailable(clamdScanner({ socketPath: gone.socketPath }).scan(stream, { name: "a.txt", size: 4096 }));
    expect(overSocket.message).toContain(`clamd at ${gone.socketPath}`);
    expect(overSocket.cause).toBeInstanceOf(Error);
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBe(0);

    const overTcp = await unavailable(clamdScanner({ host: "127.0.0.1", port: gone.port! }).scan(streamOf([new Uint8Array(10)]), { name: "a.txt", size: 10 }));
    expect(overTcp.message).toContain(`clamd at 127.0.0.1:${gone.port}: connection refused`);
    expect((overTcp.cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    await unavailable(clamdScanner({ host: "127.0.0.1", port: gone.port! }).ping());
  });

  it("a socket path that does not exist: unavailable, saying so", async () => {
    const missing = path.join(tempDir, "no-such-clamd.sock");
    const error = await unavailable(clamdScanner({ socketPath: missing }).scan(streamOf([new Uint8Array(10)]), { name: "a.txt", size: 10 }));
    expect(error.message).toBe(`clamd at ${missing}: the socket does not exist: is clamd running, and is its LocalSocket this path?`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  it("a server that takes the file and never answers: unavailable after timeoutMs, not before", async () => {
    const fake = await fakeClamd(() => undefined);
    const started = Date.now();
    const error = await unavailable(clamdScanner({ socketPath: fake.socketPath }, { timeoutMs: 300 }).scan(streamOf([new Uint8Array(1000)]), { name: "a.txt", size: 1000 }));
    const elapsed = Date.now() - started;
    expect(error.message).toBe(`clamd at ${fake.socketPath}: no answer for 300 ms (timed out)`);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3_000);
    expect(fake.received()).toBe("zINSTREAM\0".length + 4 + 1000 + 4);
    expect(await fake.open()).toBe(0); // the scanner closed its socket
  });

  it("a TCP server on 127.0.0.1 that accepts and never answers: unavailable after timeoutMs", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket).size);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const started = Date.now();
      const error = await unavailable(clamdScanner({ host: "127.0.0.1", port }, { timeoutMs: 200 }).ping());
      expect(error.message).toBe(`clamd at 127.0.0.1:${port}: no answer for 200 ms (timed out)`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("a server that hangs up mid-file: unavailable, and the input is cancelled", async () => {
    const fake = await fakeClamd((socket) => {
      let got = 0;
      socket.on("data", (data) => {
        got += data.length;
        if (got > 256 * 1024) socket.destroy();
      });
    });
    const { stream, state } = countingSource(256, 64 * 1024); // 16 MiB
    const error = await unavailable(clamdScanner({ socketPath: fake.socketPath }).scan(stream, { name: "a.bin", size: 16 * MiB }));
    expect(error.message).toMatch(/^clamd at .*: closed the connection while the file was being sent/);
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThan(16 * MiB);
  });

  it("a server that hangs up after the file without answering: unavailable", async () => {
    const fake = await fakeClamd((socket) => {
      let tail = Buffer.alloc(0);
      socket.on("data", (data) => {
        tail = Buffer.concat([tail, data]).subarray(-4);
        if (tail.equals(Buffer.alloc(4))) socket.end();
      });
    });
    const error = await unavailable(clamdScanner({ socketPath: fake.socketPath }).scan(streamOf([new Uint8Array(100)]), { name: "a.txt", size: 100 }));
    expect(error.message).toBe(`clamd at ${fake.socketPath}: closed the connection without answering`);
  });

  it("a reply that is not a scan result, or that comes before the end of the file: unavailable", async () => {
    const nonsense = await fakeClamd((socket) => socket.on("data", (data) => data.subarray(-4).equals(Buffer.alloc(4)) && socket.end("UNKNOWN COMMAND\0")));
    const error = await unavailable(clamdScanner({ socketPath: nonsense.socketPath }).scan(streamOf([new Uint8Array(100)]), { name: "a.txt", size: 100 }));
    expect(error.message).toBe(`clamd at ${nonsense.socketPath} answered something that is not a scan result: "UNKNOWN COMMAND"`);

    const hasty = await fakeClamd((socket) => socket.once("data", () => socket.end("stream: OK\0")));
    const { stream, state } = countingSource(256, 64 * 1024);
    const early = await unavailable(clamdScanner({ socketPath: hasty.socketPath }).scan(stream, { name: "a.bin", size: 16 * MiB }));
    expect(early.message).toBe(`clamd at ${hasty.socketPath} answered before the end of a.bin was sent: "stream: OK"`);
    expect(state.cancelled).toBe(true);
    expect(await hasty.open()).toBe(0);
  });

  it("an input stream that errors: unavailable, with the stream's error as the cause", async () => {
    const fake = await fakeClamd(() => undefined);
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
      },
      pull(controller) {
        controller.error(new Error("disk gone"));
      },
    });
    const error = await unavailable(clamdScanner({ socketPath: fake.socketPath }).scan(broken, { name: "a.txt", size: 20 }));
    expect(error.message).toBe(`clamd at ${fake.socketPath}: the file could not be read to send it`);
    expect((error.cause as Error).message).toBe("disk gone");
  });

  it("the test clamd refuses to start without clamd or sigtool, naming the Debian package (CI fails, never skips)", async () => {
    await expect(startClamd({ clamdBin: "/nonexistent/clamd" })).rejects.toThrow("clamd not found at /nonexistent/clamd: apt-get install clamav-daemon");
    await expect(startClamd({ sigtoolBin: "/nonexistent/sigtool" })).rejects.toThrow("sigtool not found at /nonexistent/sigtool: apt-get install clamav-daemon");
  });

  it("refuses options that cannot work, at construction", () => {
    expect(() => clamdScanner({ socketPath: "" })).toThrow(TypeError);
    expect(() => clamdScanner({ host: "127.0.0.1", port: 0 })).toThrow(TypeError);
    expect(() => clamdScanner({ socketPath: "/x" }, { timeoutMs: 0 })).toThrow(RangeError);
    expect(() => clamdScanner({ socketPath: "/x" }, { chunkBytes: 1.5 })).toThrow(RangeError);
  });
});
