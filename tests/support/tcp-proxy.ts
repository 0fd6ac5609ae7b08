import net from "node:net";

// A TCP relay on loopback between a client and a server: it counts the bytes the server
// sends back (to show a range read transfers only the range) and can cut every
// connection after some bytes of an answer (a store that fails mid-body).

export interface TcpProxy {
  readonly port: number;
  /** Bytes sent by the server to clients since the last `reset()`. */
  readonly bytesFromServer: number;
  /** Connections open now. */
  readonly openConnections: number;
  /** Cut a connection once this many bytes came back on it; undefined: never. */
  cutAfter: number | undefined;
  reset(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let bytes = 0;
  const state = { cutAfter: undefined as number | undefined };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let onThis = 0;
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    upstream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      onThis += chunk.length;
      if (state.cutAfter !== undefined && onThis > state.cutAfter) {
        client.write(chunk.subarray(0, chunk.length - (onThis - state.cutAfter)));
        destroyBoth();
        return;
      }
      if (!client.write(chunk)) upstream.pause();
    });
    client.on("drain", () => upstream.resume());
    client.on("data", (chunk: Buffer) => {
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on("drain", () => client.resume());
    client.on("close", destroyBoth);
    upstream.on("close", destroyBoth);
    client.on("error", destroyBoth);
    upstream.on("error", destroyBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    get bytesFromServer() {
      return bytes;
    },
    get openConnections() {
      return [...sockets].filter((s) => !s.destroyed).length / 2;
    },
    get cutAfter() {
      return state.cutAfter;
    },
    set cutAfter(value) {
      state.cutAfter = value;
    },
    reset() {
      bytes = 0;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
