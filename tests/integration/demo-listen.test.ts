import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { workDir } from "./support/context";
import { bin, freePort, ROOT } from "./support/server";

// Issue 12, item 8: `npm run demo` listened on every interface, with published demo
// passwords. scripts/demo.ts (run here with --no-build on the test build) must listen on
// 127.0.0.1 only, unless HOST says otherwise.

/** The listening sockets on `port`, as /proc/net/tcp{,6} lists them: local address in hex. */
function listeners(port: number): { file: string; address: string }[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const found: { file: string; address: string }[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      // state 0A: LISTEN
      if (local?.endsWith(`:${hexPort}`) && state === "0A") found.push({ file: path.basename(file), address: local.split(":")[0]! });
    }
  }
  return found;
}

describe("npm run demo", () => {
  it("listens on 127.0.0.1 only", async () => {
    const port = await freePort();
    const dir = path.join(workDir(), "demo-listen");
    fs.mkdirSync(dir, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: `file:${path.join(dir, "demo.db")}`,
      PRIVATE_FILES_ROOT: path.join(dir, "files"),
      // Given, so the script does not generate secrets into the project's data/.
      NEXTAUTH_SECRET: "demo-listen-secret",
      PRIVATE_FILES_LINK_SECRET: "demo-listen-link-secret-0123456789abcdef",
    };
    delete env.HOST;
    const log = fs.openSync(path.join(dir, "demo.log"), "a");
    // Its own process group, so the script and the `next start` it spawns stop together.
    const demo = spawn(bin("tsx"), ["scripts/demo.ts", "--no-build"], { cwd: ROOT, env, stdio: ["ignore", log, log], detached: true });
    const stop = () => {
      try {
        process.kill(-demo.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    process.once("exit", stop);
    try {
      const deadline = Date.now() + 90_000;
      while (listeners(port).length === 0) {
        if (demo.exitCode !== null) throw new Error(`demo exited with ${demo.exitCode}; see ${dir}/demo.log`);
        if (Date.now() > deadline) throw new Error(`the demo did not listen on ${port} within 90 s; see ${dir}/demo.log`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // 0100007F is 127.0.0.1 (little-endian hex); all interfaces would be 00000000 or, in tcp6, all zeros.
      expect(listeners(port)).toEqual([{ file: "tcp", address: "0100007F" }]);
      expect((await fetch(`http://127.0.0.1:${port}/api/auth/csrf`)).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => demo.once("exit", resolve));
      if (demo.exitCode === null) {
        process.kill(-demo.pid!, "SIGTERM");
        const timer = setTimeout(stop, 5000);
        await exited;
        clearTimeout(timer);
      }
      process.off("exit", stop);
    }
  });
});
