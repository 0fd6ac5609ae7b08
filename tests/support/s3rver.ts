import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { addMultipartListAndAbort, type S3rverApp } from "./s3rver-multipart";

// A real S3 HTTP server (s3rver) on loopback, on a random port, over a temp directory:
// for the S3 storage unit tests and for integration tests that start the app with
// PRIVATE_FILES_STORAGE=s3, with ListParts and AbortMultipartUpload added (s3rver-multipart.ts).
// Always `stop()` it (in afterAll), also when tests fail.

export const S3_TEST_BUCKET = "private-files-test";

export interface TestS3Server {
  readonly endpoint: string;
  readonly port: number;
  /** Where s3rver keeps buckets and objects. */
  readonly directory: string;
  /** What an S3Client needs to talk to it (path style, fixed credentials, checksums only when required). */
  readonly clientConfig: S3ClientConfig;
  /** A client to it; destroyed by `stop()`. */
  client(overrides?: Partial<S3ClientConfig>): S3Client;
  /** The environment the demo reads to use it as its storage (see lib/files/storage.ts). */
  env(bucket?: string, prefix?: string): Record<string, string>;
  /** Closes every connection, stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startS3rver(options: { buckets?: string[] } = {}): Promise<TestS3Server> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), "pf-s3rver-"));
  const buckets = options.buckets ?? [S3_TEST_BUCKET];
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  // ListParts and AbortMultipartUpload, which s3rver lacks and @tus/s3-store needs.
  addMultipartListAndAbort(server as unknown as S3rverApp);
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (error) {
    await fs.rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig: S3ClientConfig = {
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
  const clients: S3Client[] = [];
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    directory,
    clientConfig,
    client(overrides = {}) {
      const client = new S3Client({ ...clientConfig, ...overrides });
      clients.push(client);
      return client;
    },
    env(bucket = buckets[0] ?? S3_TEST_BUCKET, prefix = "") {
      return {
        PRIVATE_FILES_STORAGE: "s3",
        S3_BUCKET: bucket,
        S3_ENDPOINT: endpoint,
        S3_REGION: "us-east-1",
        S3_ACCESS_KEY_ID: "S3RVER",
        S3_SECRET_ACCESS_KEY: "S3RVER",
        S3_FORCE_PATH_STYLE: "true",
        S3_PREFIX: prefix,
      };
    },
    stop() {
      stopped ??= (async () => {
        for (const client of clients) client.destroy();
        // Keep-alive sockets would hold close() open.
        server.httpServer?.closeAllConnections();
        await server.close().catch(() => undefined);
        await fs.rm(directory, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
