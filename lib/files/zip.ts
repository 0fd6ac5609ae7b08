import { createZipRoute } from "next-private-files/zip";
import { privateFiles } from "./private-files";

// The demo's zip of many files (app/files/zip): every file authorized on its own, as
// the single-file route would (lib/files/private-files.ts's conditions), counted and
// audited per file. The limits are the kit's defaults unless these settings say otherwise.

/** A positive whole number from the environment, else undefined (the kit's default). */
const setting = (name: string) => {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
};

export const zipRoute = createZipRoute(privateFiles, {
  // At most this many files per zip (default 1000).
  maxEntries: setting("PRIVATE_FILES_ZIP_MAX_ENTRIES"),
  // At most this many bytes, before compression (default 16 GiB).
  maxTotalBytes: setting("PRIVATE_FILES_ZIP_MAX_BYTES"),
  defaultName: "my-files.zip",
});
