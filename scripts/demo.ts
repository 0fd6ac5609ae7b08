// `npm run demo`: migrate the database (`npm run db:migrate`: the embedded SQLite
// file by default, PostgreSQL when DATABASE_URL is a postgresql:// URL), seed it,
// build and start the app on PORT (default 3000), listening on HOST (default 127.0.0.1:
// this machine only; the demo's passwords are published). Safe to run again: every step
// is idempotent.
import { spawnSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const port = process.env.PORT || "3000";
// 127.0.0.1 unless HOST says otherwise (HOST=0.0.0.0 to let other machines in).
const host = process.env.HOST?.trim() || "127.0.0.1";

/** A secret that survives restarts: from the environment, else generated once and kept in data/. */
function keptSecret(variable: string, fileName: string): string {
  const given = process.env[variable];
  if (given) return given;
  const file = path.join(root, "data", fileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

const env = {
  ...process.env,
  NEXTAUTH_SECRET: keptSecret("NEXTAUTH_SECRET", "nextauth-secret"),
  // Signs shareable links (lib/files/private-files.ts); a separate key from the sessions'.
  PRIVATE_FILES_LINK_SECRET: keptSecret("PRIVATE_FILES_LINK_SECRET", "link-secret"),
  NEXTAUTH_URL: process.env.NEXTAUTH_URL || `http://localhost:${port}`,
  NEXT_TELEMETRY_DISABLED: "1",
};

function run(command: string, args: string[]) {
  console.log(`\n> ${path.basename(command)} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(bin("tsx"), ["scripts/migrate.ts"]);
run(bin("tsx"), ["scripts/seed.ts"]);
if (!process.argv.includes("--no-build")) {
  // The kit's dist first: the demo imports it as the installed package next-private-files.
  run(process.execPath, ["lib/private-files/scripts/build.mjs"]);
  run(bin("next"), ["build"]);
}

console.log(`\nDemo on http://localhost:${port} (listening on ${host}) — sign in as alice@example.com / demo-password`);
const server = spawn(bin("next"), ["start", "-H", host, "-p", port], { cwd: root, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
