import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

// A real ClamAV daemon for the tests: Debian's /usr/sbin/clamd in the foreground, on a unix
// socket in a temp directory (and, if asked, TCP on 127.0.0.1), with a one-signature
// database generated at start: the EICAR test file's MD5 in a .hdb (`sigtool --md5`). No
// official database is downloaded; clamd loads this one in a fraction of a second. Always
// `stop()` it (afterAll), also when tests fail: an exit hook kills it if the run dies first.

export const CLAMD = process.env.CLAMD_BIN || "/usr/sbin/clamd";
export const SIGTOOL = process.env.SIGTOOL_BIN || "/usr/bin/sigtool";
/** The name the generated database gives EICAR; clamd reports it as `<name>.UNOFFICIAL`. */
export const EICAR_SIGNATURE_NAME = "Eicar-Test-Signature";
const READY_DEADLINE_MS = 30_000;

/**
 * The EICAR anti-virus test file, built at run time from two halves: a source file holding
 * it verbatim would be flagged (and quarantined or refused) by every scanner that meets the
 * repository, its tarball or a CI cache, none of which is meant to be "infected".
 */
export function eicarBytes(): Uint8Array<ArrayBuffer> {
  const head = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR";
  const tail = "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
  return new TextEncoder().encode(head + tail);
}

export interface TestClamd {
  /** clamd's LocalSocket. */
  readonly socketPath: string;
  /** clamd's TCPSocket on 127.0.0.1, when started with `tcp: true`. */
  readonly port: number | undefined;
  /** The EICAR test file's bytes: what the database flags. */
  readonly eicar: Uint8Array<ArrayBuffer>;
  /** What clamd reports for EICAR: `Eicar-Test-Signature.UNOFFICIAL`. */
  readonly eicarSignature: string;
  /** clamd's output so far (its log goes to stderr/stdout, not to system files). */
  output(): string;
  /** Kills clamd, waits for it to exit, removes the temp directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartClamdOptions {
  /** clamd's StreamMaxLength (`"1M"`, `"4000M"`); clamd's own default is 100M. @default "100M" */
  readonly streamMaxLength?: string;
  /** Also listen on TCP, 127.0.0.1 and a free port. @default false */
  readonly tcp?: boolean;
  /** More clamd.conf lines (`"MaxFileSize 1M"`, `"AlertExceedsMax yes"`). @default [] */
  readonly config?: readonly string[];
  /** Where clamd and sigtool are (for the test of a missing one). @default CLAMD, SIGTOOL */
  readonly clamdBin?: string;
  readonly sigtoolBin?: string;
}

function requireTool(file: string, what: string): void {
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    // CI must fail here, not skip: the scanning tests are part of the proof.
    throw new Error(`${what} not found at ${file}: apt-get install clamav-daemon (clamd; it depends on clamav, which has sigtool)`);
  }
}

export async function startClamd(options: StartClamdOptions = {}): Promise<TestClamd> {
  const clamdBin = options.clamdBin ?? CLAMD;
  const sigtoolBin = options.sigtoolBin ?? SIGTOOL;
  requireTool(clamdBin, "clamd");
  requireTool(sigtoolBin, "sigtool");
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "pf-clamd-"));
  const remove = () => fs.rmSync(directory, { recursive: true, force: true });
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill("SIGKILL");
  try {
    const database = path.join(directory, "db");
    fs.mkdirSync(database);
    const eicar = eicarBytes();
    const eicarFile = path.join(directory, "eicar.txt");
    fs.writeFileSync(eicarFile, eicar);
    const sig = spawnSync(sigtoolBin, ["--md5", eicarFile], { encoding: "utf8" });
    if (sig.status !== 0) throw new Error(`sigtool --md5 failed (${sig.status}): ${sig.stderr}${sig.error?.message ?? ""}`);
    // "<md5>:<size>:<name>": name the signature after what it is, not the temp file.
    const [md5, size] = sig.stdout.trim().split(":");
    fs.writeFileSync(path.join(database, "test.hdb"), `${md5}:${size}:${EICAR_SIGNATURE_NAME}\n`);
    fs.rmSync(eicarFile);

    const socketPath = path.join(directory, "clamd.sock");
    const port = options.tcp ? await freePort() : undefined;
    const config = [
      "Foreground yes",
      `LocalSocket ${socketPath}`,
      "LocalSocketMode 600",
      ...(port === undefined ? [] : [`TCPSocket ${port}`, "TCPAddr 127.0.0.1"]),
      `DatabaseDirectory ${database}`,
      `PidFile ${path.join(directory, "clamd.pid")}`,
      `TemporaryDirectory ${directory}`,
      `StreamMaxLength ${options.streamMaxLength ?? "100M"}`,
      // No LogFile and no syslog: clamd then writes its log to its own stdout/stderr,
      // which we keep for error messages.
      "LogSyslog no",
      "LogTime no",
      // clamd runs as whoever starts it when `User` is unset; as root (CI) that is fine for
      // a test daemon on files in a root-owned temp dir, and dropping to `clamav` would
      // need that user to read the directory. Debian's packaged config sets `User clamav`.
      "SelfCheck 3600",
      ...(options.config ?? []),
      "",
    ].join("\n");
    const configFile = path.join(directory, "clamd.conf");
    fs.writeFileSync(configFile, config);

    let output = "";
    child = spawn(clamdBin, ["--config-file", configFile], { stdio: ["ignore", "pipe", "pipe"], cwd: directory });
    child.stdout!.on("data", (data: Buffer) => (output += data.toString("utf8")));
    child.stderr!.on("data", (data: Buffer) => (output += data.toString("utf8")));
    process.once("exit", killOnExit);
    let exitCode: string | undefined;
    const exited = new Promise<void>((resolve) =>
      child!.once("exit", (code, signal) => {
        exitCode = String(code ?? signal);
        resolve();
      }),
    );

    const deadline = Date.now() + READY_DEADLINE_MS;
    for (;;) {
      if (exitCode !== undefined) throw new Error(`clamd exited (${exitCode}) before it was ready:\n${output}`);
      if (await pongs(socketPath)) break;
      if (Date.now() > deadline) throw new Error(`clamd did not answer PING on ${socketPath} within ${READY_DEADLINE_MS} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    let stopped: Promise<void> | undefined;
    const running = child;
    return {
      socketPath,
      port,
      eicar,
      eicarSignature: `${EICAR_SIGNATURE_NAME}.UNOFFICIAL`,
      output: () => output,
      stop() {
        stopped ??= (async () => {
          process.off("exit", killOnExit);
          if (running.exitCode === null && running.signalCode === null) {
            running.kill("SIGTERM");
            const timer = setTimeout(() => running.kill("SIGKILL"), 5_000);
            await exited;
            clearTimeout(timer);
          }
          remove();
        })();
        return stopped;
      },
    };
  } catch (error) {
    process.off("exit", killOnExit);
    child?.kill("SIGKILL");
    remove();
    throw error;
  }
}

/** Whether clamd answers `zPING` with PONG on `socketPath` right now. */
function pongs(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ path: socketPath });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("zPING\0"));
    socket.on("data", (data) => {
      reply += data.toString("utf8");
      if (reply.includes("\0")) done(reply === "PONG\0");
    });
    socket.on("close", () => done(false));
  });
}
