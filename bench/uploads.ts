// B5, uploads: MB/s of one large upload through the kit, by tus (one PATCH of the whole
// file) and by the multipart form, against nginx storing the same body to disk (a `dav`
// PUT location) and a presigned PUT straight to s3rver. Every case is one curl with the
// same file, the same loopback and `Expect:` off, so only the receiving side differs.
import fs from "node:fs";
import { capture, type ThroughputResult } from "./clients";

/** What curl reports of one upload. */
interface Sent {
  readonly status: number;
  readonly uploaded: number;
  readonly body: string;
  readonly headers: string;
}

async function curl(args: readonly string[]): Promise<Sent> {
  // -D -: the headers on stdout before the body; -w: status and bytes sent, last.
  const { code, stdout, stderr } = await capture("curl", ["-sS", "-H", "Expect:", "-D", "-", "-w", "\n%{http_code} %{size_upload}", ...args]);
  if (code !== 0) throw new Error(`curl ${args.join(" ")}: exit ${code} ${stderr}`);
  const lastLine = stdout.slice(stdout.lastIndexOf("\n") + 1);
  const [status, uploaded] = lastLine.split(" ").map(Number);
  const response = stdout.slice(0, stdout.lastIndexOf("\n"));
  const split = response.indexOf("\r\n\r\n");
  return { status: status!, uploaded: uploaded!, headers: split >= 0 ? response.slice(0, split) : response, body: split >= 0 ? response.slice(split + 4) : "" };
}

/** Times one upload; throws unless the answer is one of `expected` and every byte was sent. */
async function timed(label: string, size: number, expected: readonly number[], args: readonly string[]): Promise<ThroughputResult & { sent: Sent }> {
  const started = performance.now();
  const sent = await curl(args);
  const seconds = (performance.now() - started) / 1000;
  if (!expected.includes(sent.status) || sent.uploaded < size) {
    throw new Error(`${label}: status ${sent.status} (expected ${expected.join("/")}), ${sent.uploaded} of ${size} bytes sent: ${sent.body.slice(0, 300)}`);
  }
  return { mbPerSecond: size / 1e6 / seconds, bytes: size, seconds, sent };
}

const base64 = (text: string) => Buffer.from(text).toString("base64");

/** The B5 cases, each one upload of `file`. */
export interface UploadCases {
  /** nginx storing the body with a dav PUT. */
  nginx(): Promise<ThroughputResult>;
  /** A bare Next.js route writing the body to a file: the ceiling of any route handler. */
  ceiling(): Promise<ThroughputResult>;
  /** A presigned PUT straight to s3rver. */
  s3(): Promise<ThroughputResult>;
  /** The kit's tus route: creation, then one PATCH of the whole file. */
  tus(): Promise<ThroughputResult>;
  /** The demo's multipart form (POST /api/files). */
  multipart(): Promise<ThroughputResult>;
}

export function uploadCases(o: {
  readonly file: string;
  readonly name: string;
  readonly base: string;
  readonly cookie: string;
  readonly nginxPutUrl: (name: string) => string;
  readonly presignedPut: (size: number) => Promise<string>;
}): UploadCases {
  const size = fs.statSync(o.file).size;
  let n = 0;
  const auth = ["-H", `Cookie: ${o.cookie}`, "-H", `Origin: ${o.base}`];
  return {
    nginx: () => timed("nginx dav PUT", size, [201, 204], ["-T", o.file, o.nginxPutUrl(`upload-${++n}.bin`)]),
    ceiling: () => timed("route ceiling PUT", size, [204], ["-T", o.file, `${o.base}/bench/sink`]),
    s3: async () => timed("s3rver presigned PUT", size, [200], ["-T", o.file, "-H", "Content-Type: application/octet-stream", await o.presignedPut(size)]),
    tus: async () => {
      const created = await curl([
        "-X", "POST", ...auth,
        "-H", "Tus-Resumable: 1.0.0",
        "-H", `Upload-Length: ${size}`,
        "-H", `Upload-Metadata: model ${base64("FileSubmission")},field ${base64("file")},filename ${base64(o.name)},description ${base64("bench")}`,
        `${o.base}/uploads`,
      ]);
      const location = /^location:\s*(\S+)/im.exec(created.headers)?.[1];
      if (created.status !== 201 || !location) throw new Error(`tus creation: status ${created.status}: ${created.body.slice(0, 300)}`);
      const url = new URL(location, o.base).toString();
      return timed("tus PATCH", size, [204, 200], [
        "-X", "PATCH", ...auth,
        "-H", "Tus-Resumable: 1.0.0",
        "-H", "Upload-Offset: 0",
        "-H", "Content-Type: application/offset+octet-stream",
        "-T", o.file, url,
      ]);
    },
    multipart: () => timed("multipart POST", size, [201], ["-X", "POST", ...auth, "-F", `file=@${o.file};filename=${o.name}`, "-F", "description=bench", `${o.base}/api/files`]),
  };
}

/** The nginx server block lines of the dav baseline: PUT bodies written under `root`. */
export function nginxPutLocation(o: { readonly root: string; readonly tempDir: string }): string {
  return `
    # B5's baseline: nginx storing an upload with no application (bodies past the
    # buffer go to a temp file, then are renamed into place, as the kit's local storage does).
    location /upload-sink/ {
      root ${o.root};
      dav_methods PUT;
      create_full_put_path on;
      client_max_body_size 0;
      client_body_buffer_size 1m;
      client_body_temp_path ${o.tempDir};
    }`;
}
