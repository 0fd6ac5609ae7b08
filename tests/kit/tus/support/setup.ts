import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { definePrivateFiles, localFileStorage, privateModel, stringId, type FileStorage } from "next-private-files";
import { s3Storage } from "next-private-files/s3";
import { memoryPendingUploads, type PendingUploadStore } from "next-private-files/upload";
import { createUploadRoute, type UploadRoute, type UploadRouteOptions } from "next-private-files/tus";
import { S3_TEST_BUCKET, type TestS3Server } from "../../../support/s3rver";
import { serveRoute, type RouteServer } from "./route-server";

// One upload route over a real storage (a temp dir, or s3rver under a fresh prefix),
// served over HTTP. The session is the `x-user` header's user id (none: anonymous).

export type StorageKind = "local" | "s3";
type Doc = { id: string; file: string | null };

export interface RouteFixture {
  readonly server: RouteServer;
  readonly route: UploadRoute;
  readonly endpoint: string;
  readonly completed: { path: string; size: number; user: string | null }[];
  /** The config's pending uploads (memoryPendingUploads). */
  readonly pending: PendingUploadStore;
  /** Every stored file or object of this fixture (relative to the root or the prefix). */
  stored(): Promise<string[]>;
  /** A stored file's bytes. */
  read(key: string): Promise<Buffer>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  maxUploadBytes?: number;
  quotaBytes?: number;
  route?: Partial<UploadRouteOptions<unknown>>;
}

export async function routeFixture(kind: StorageKind, s3: TestS3Server | undefined, options: FixtureOptions = {}): Promise<RouteFixture> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "pf-tus-"));
  const prefix = `tus-${path.basename(root)}/`;
  const client = kind === "s3" ? s3!.client() : undefined;
  const storage: FileStorage = client ? s3Storage({ client, bucket: S3_TEST_BUCKET, prefix }) : localFileStorage({ root });
  const pending = memoryPendingUploads();
  const docs = privateModel<Doc, string>({ id: stringId(), load: async () => null }).fields({
    file: {
      uploadTo: "submissions",
      allowedTypes: ["application/pdf", "text/plain"],
      // Any signed-in user but "blocked".
      upload: { condition: ({ user }) => user !== null && user.id !== "blocked" },
    },
  });
  const files = definePrivateFiles({
    models: { docs },
    getSession: async (request) => {
      const user = request.headers.get("x-user");
      return user ? { user: { id: user } } : null;
    },
    storage,
    maxUploadBytes: options.maxUploadBytes ?? 64 * 1024 * 1024,
    uploads: {
      pending,
      ...(options.quotaBytes === undefined ? {} : { quotaBytes: options.quotaBytes, usedBytes: async () => 0 }),
    },
    logger: { warn: () => undefined, error: () => undefined },
  });
  const completed: RouteFixture["completed"] = [];
  const route = createUploadRoute(files, {
    path: "/uploads",
    async onUploadComplete(upload) {
      completed.push({ path: upload.path, size: upload.size, user: upload.user?.id ?? null });
      return { saved: upload.path, size: upload.size };
    },
    ...options.route,
  });
  const server = await serveRoute(route);
  return {
    server,
    route,
    endpoint: `${server.url}/uploads`,
    completed,
    pending,
    async stored() {
      if (client) {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET, Prefix: prefix }));
        return (listed.Contents ?? []).map((object) => object.Key!.slice(prefix.length)).sort();
      }
      const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
      return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name))).sort();
    },
    async read(key) {
      const opened = await storage.open(key);
      if (!opened) throw new Error(`nothing stored at ${key}`);
      return Buffer.from(await new Response(opened.stream()).arrayBuffer());
    },
    async close() {
      await server.close();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
