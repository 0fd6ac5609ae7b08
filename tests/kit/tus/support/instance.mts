// One app instance for the two-instance tests, in its own process: the upload route over
// s3rver (S3 storage), pending uploads and (LOCKER=pg) the lock in PostgreSQL, served on
// 127.0.0.1, importing the built kit (npm run build:kit first) as ESM (.mts: one copy of each
// kit module, so the storages' instanceof checks hold). Prints {"port": n} when listening. Run with `node --import tsx`.
import { S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { definePrivateFiles, privateModel, stringId } from "next-private-files";
import { s3Storage } from "next-private-files/s3";
import { createUploadRoute, postgresAdvisoryLocker } from "next-private-files/tus";
import { pgPendingUploads } from "./pg-pending.ts";
import { serveRoute } from "./route-server.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const pool = new pg.Pool({ connectionString: env("PG_URL"), max: 20 });
const client = new S3Client({
  endpoint: env("S3_ENDPOINT"),
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
const docs = privateModel<{ id: string; file: string | null }, string>({ id: stringId(), load: async () => null }).fields({
  file: { uploadTo: "submissions", allowedTypes: ["application/pdf"], upload: { condition: ({ user }) => user !== null } },
});
const files = definePrivateFiles({
  models: { docs },
  getSession: async (request) => {
    const user = request.headers.get("x-user");
    return user ? { user: { id: user } } : null;
  },
  storage: s3Storage({ client, bucket: env("S3_BUCKET"), prefix: env("S3_PREFIX") }),
  maxUploadBytes: 256 * 1024 * 1024,
  uploads: { pending: pgPendingUploads(pool) },
  logger: { warn: () => undefined, error: () => undefined },
});
const route = createUploadRoute(files, {
  path: "/uploads",
  locker: process.env.LOCKER === "pg" ? postgresAdvisoryLocker(pool, { retryMs: 50 }) : undefined,
  lockDrainTimeoutMs: 300,
  s3: { partSize: 5 * 1024 * 1024 },
  async onUploadComplete(upload) {
    return { saved: upload.path, instance: process.env.INSTANCE };
  },
});
void serveRoute(route).then((server) => {
  process.stdout.write(`${JSON.stringify({ port: Number(new URL(server.url).port) })}\n`);
});
