import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const NGINX = "/usr/sbin/nginx";

export interface NginxOptions {
  /** Port nginx listens on (127.0.0.1). */
  port: number;
  /** Port of `next start` behind it. */
  upstreamPort: number;
  /** The storage root the internal location maps to. */
  storageRoot: string;
  /** The internal location, as configured in the app (`PRIVATE_FILES_ACCEL_PREFIX`). */
  internalPrefix: string;
  /** A temp directory for the config, logs, pid and nginx's own temp files. */
  dir: string;
}

/**
 * The configuration docs/deploying.md shows, with the paths of a test run: everything is
 * proxied to Next.js; `internal` serves the storage root only to X-Accel-Redirect.
 */
export function nginxConfig(o: NginxOptions): string {
  const prefix = o.internalPrefix.endsWith("/") ? o.internalPrefix : `${o.internalPrefix}/`;
  const root = o.storageRoot.endsWith("/") ? o.storageRoot : `${o.storageRoot}/`;
  return `
# Test harness only: workers run as root so they can read the test's files.
${harnessMain(o.dir, 512)}
http {
  include /etc/nginx/mime.types;
  access_log ${o.dir}/access.log;
${harnessTempPaths(o.dir)}
  sendfile on;
  client_max_body_size 100m;

  server {
    listen 127.0.0.1:${o.port};

    location / {
      proxy_pass http://127.0.0.1:${o.upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_request_buffering off;
    }

    # Reachable only through X-Accel-Redirect from the app: a direct request gets 404.
    location ${prefix} {
      internal;
      alias ${root};
    }
  }
}
`;
}

/** The main context of a harness nginx: one worker as root, in the foreground, its files in `dir`. */
export function harnessMain(dir: string, connections: number): string {
  return `user root;
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${connections}; }`;
}

/** nginx's temp folders, inside `dir` (the Debian defaults are not writable everywhere). */
export function harnessTempPaths(dir: string): string {
  return ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((name) => `  ${name}_temp_path ${dir}/${name};`).join("\n");
}

/** Starts nginx in the foreground with that config; resolves once it accepts connections. */
export function startNginx(options: NginxOptions): Promise<{ process: ChildProcess; stop(): Promise<void> }> {
  return startNginxWith(nginxConfig(options), options);
}

/**
 * Starts nginx in the foreground with a configuration text (written into `dir`, which
 * also holds its pid, logs and temp files) that listens on 127.0.0.1:`port`.
 */
export async function startNginxWith(text: string, options: { port: number; dir: string }): Promise<{ process: ChildProcess; stop(): Promise<void> }> {
  if (!fs.existsSync(NGINX)) throw new Error(`nginx is not installed at ${NGINX} (apt-get install -y nginx)`);
  fs.mkdirSync(options.dir, { recursive: true });
  const config = path.join(options.dir, "nginx.conf");
  fs.writeFileSync(config, text);
  const check = spawnSync(NGINX, ["-t", "-q", "-c", config], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx -t failed:\n${check.stderr}`);

  const child = spawn(NGINX, ["-c", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  child.once("exit", () => process.off("exit", kill));

  const deadline = Date.now() + 10_000;
  while (!(await listening(options.port))) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not listen within 10 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGQUIT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}
