import { DeleteObjectsCommand, GetObjectCommand, type S3, type S3Client } from "@aws-sdk/client-s3";
import { S3Store } from "@tus/s3-store";
import { ERRORS } from "@tus/utils";
import { s3TargetOf } from "../storage/s3.js";
import type { FileStorage } from "../storage/types.js";
import { tusS3Calls } from "./s3-client.js";
import type { TargetSettings, TusBackend } from "./target.js";

/** `@tus/s3-store` over the storage's own S3Client instead of one it would build. */
class StorageS3Store extends S3Store {
  constructor(options: ConstructorParameters<typeof S3Store>[0], client: S3Client) {
    super(options);
    // The calls the store makes, sent through the storage's client (see s3-client.ts).
    this.client = tusS3Calls(client) as unknown as S3;
  }
}

/**
 * An s3Storage field: a multipart upload at `<prefix><pending.key>`, with tus's
 * `.info` object beside it (and a `.part` object for bytes short of a part).
 */
export function s3Backend(storage: FileStorage, settings: TargetSettings): TusBackend | undefined {
  const target = s3TargetOf(storage);
  if (target === undefined) return undefined;
  const { client, bucket, prefix } = target;
  const store = new StorageS3Store(
    {
      s3ClientConfig: { bucket },
      partSize: settings.options.s3?.partSize,
      maxConcurrentPartUploads: settings.options.s3?.maxConcurrentPartUploads,
      expirationPeriodInMilliseconds: settings.ttlMs,
      // Tags are for bucket lifecycle rules; pruning is ours (prune()), and not every
      // S3-compatible store takes tags on PutObject.
      useTags: false,
    },
    client,
  );
  const key = (id: string) => `${prefix}${id}`;
  const deleteAll = (objectKey: string) =>
    client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: objectKey }, { Key: `${objectKey}.info` }, { Key: `${objectKey}.part` }], Quiet: true },
      }),
    );
  return {
    store,
    innerId: (pending) => key(pending.key),
    async storedHead(pending, count) {
      // Fewer bytes than SNIFF_BYTES are below S3's 5 MiB part minimum: tus keeps them
      // in the `.part` object until more arrive.
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${key(pending.key)}.part`, Range: `bytes=0-${count - 1}` }));
      return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
    },
    async forgetCompleted(pending) {
      await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: [{ Key: `${key(pending.key)}.info` }, { Key: `${key(pending.key)}.part` }], Quiet: true },
        }),
      );
    },
    async removeAll(pending) {
      // tus's remove aborts the multipart upload and deletes the object and its .info;
      // it leaves the .part object, and gives up early when the upload is gone.
      await store.remove(key(pending.key)).catch((error: unknown) => {
        if (error !== ERRORS.FILE_NOT_FOUND) throw error;
      });
      await deleteAll(key(pending.key));
    },
  };
}
