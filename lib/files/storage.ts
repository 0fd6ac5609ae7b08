import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { defaultStorageRoot, localFileStorage, type FileStorage } from "next-private-files";
import { s3Storage } from "next-private-files/s3";

// The demo's default storage, chosen by the environment:
//
//   PRIVATE_FILES_STORAGE=local (default)  files under PRIVATE_FILES_ROOT (default ./data/files)
//     PRIVATE_FILES_SYNC_READ_MAX_BYTES  answers up to this size are read synchronously
//                           once open (localFileStorage's syncReadMaxBytes; default 65536;
//                           0 on a network file system)
//   PRIVATE_FILES_STORAGE=s3               objects in S3_BUCKET, configured by:
//     S3_BUCKET             the bucket (required; it must exist)
//     S3_ENDPOINT           an S3-compatible endpoint (MinIO, R2…); unset: AWS S3
//     S3_REGION             default AWS_REGION, else us-east-1 (R2: "auto")
//     S3_ACCESS_KEY_ID      with S3_SECRET_ACCESS_KEY; both unset: the SDK's own chain
//     S3_SECRET_ACCESS_KEY    (AWS_* variables, shared config, instance or task role)
//     S3_FORCE_PATH_STYLE   "true": http://host/bucket/key (MinIO, s3rver); default false
//     S3_PREFIX             a folder inside the bucket for every key; default none
//     S3_CHECKSUMS          "when_required" or "when_supported": the SDK's CRC32 checksums
//                           on every request; default when_supported on AWS and
//                           when_required with S3_ENDPOINT (some compatible stores refuse them)
//
// The kit itself reads none of these: it takes a FileStorage (see lib/private-files/storage).

/** Environment variables (process.env, or a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Thrown at start-up for a storage environment that cannot work. */
export class StorageConfigError extends Error {
  override readonly name = "StorageConfigError";
}

/** The storage the environment asks for. */
export function storageFromEnv(env: Env = process.env): FileStorage {
  const kind = (env.PRIVATE_FILES_STORAGE?.trim() || "local").toLowerCase();
  if (kind === "local") {
    const syncReads = env.PRIVATE_FILES_SYNC_READ_MAX_BYTES?.trim();
    if (syncReads && !/^\d+$/.test(syncReads)) throw new StorageConfigError(`PRIVATE_FILES_SYNC_READ_MAX_BYTES must be a number of bytes, got "${syncReads}"`);
    return localFileStorage({ root: defaultStorageRoot(env as NodeJS.ProcessEnv), ...(syncReads ? { syncReadMaxBytes: Number(syncReads) } : {}) });
  }
  if (kind === "s3") {
    const { bucket, prefix, client } = s3ConfigFromEnv(env);
    return s3Storage({ client: new S3Client(client), bucket, prefix });
  }
  throw new StorageConfigError(`PRIVATE_FILES_STORAGE must be "local" or "s3", not ${JSON.stringify(env.PRIVATE_FILES_STORAGE)}`);
}

export interface S3EnvConfig {
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3ClientConfig;
}

/** Reads the S3_* variables; throws StorageConfigError when they cannot work. */
export function s3ConfigFromEnv(env: Env = process.env): S3EnvConfig {
  const read = (name: string) => env[name]?.trim() || undefined;
  const bucket = read("S3_BUCKET");
  if (!bucket) throw new StorageConfigError("PRIVATE_FILES_STORAGE=s3 needs S3_BUCKET");
  const endpoint = read("S3_ENDPOINT");
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) {
    throw new StorageConfigError(`S3_ENDPOINT must be an http(s) URL, not ${JSON.stringify(endpoint)}`);
  }
  const accessKeyId = read("S3_ACCESS_KEY_ID");
  const secretAccessKey = read("S3_SECRET_ACCESS_KEY");
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new StorageConfigError("set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither");
  }
  const checksums = (read("S3_CHECKSUMS") ?? (endpoint ? "when_required" : "when_supported")).toUpperCase();
  if (checksums !== "WHEN_REQUIRED" && checksums !== "WHEN_SUPPORTED") {
    throw new StorageConfigError(`S3_CHECKSUMS must be "when_required" or "when_supported", not ${JSON.stringify(env.S3_CHECKSUMS)}`);
  }
  return {
    bucket,
    prefix: read("S3_PREFIX") ?? "",
    client: {
      region: read("S3_REGION") ?? read("AWS_REGION") ?? "us-east-1",
      ...(endpoint !== undefined && { endpoint }),
      ...(accessKeyId !== undefined && secretAccessKey !== undefined && { credentials: { accessKeyId, secretAccessKey } }),
      forcePathStyle: flag(read("S3_FORCE_PATH_STYLE"), "S3_FORCE_PATH_STYLE"),
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
    },
  };
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new StorageConfigError(`${name} must be true or false, not ${JSON.stringify(value)}`);
}
