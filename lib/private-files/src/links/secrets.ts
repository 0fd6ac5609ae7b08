/**
 * Link secrets are missing or too weak (under 32 characters): a configuration error.
 * Thrown by `signedFileUrl` and `createFileLink`; a download with `?token=` answers 500
 * and logs it instead.
 * @example
 * ```ts
 * import { LinkSecretError, type PrivateFiles, type PrivateModel } from "next-private-files";
 *
 * type Invoice = { id: number; pdf: string | null };
 * declare const privateFiles: PrivateFiles<{ invoices: PrivateModel<Invoice, number, "pdf"> }>;
 * declare const invoice: Invoice;
 *
 * try {
 *   await privateFiles.signedFileUrl("invoices", "pdf", invoice);
 * } catch (error) {
 *   if (error instanceof LinkSecretError) console.error("set PRIVATE_FILES_LINK_SECRET (32+ characters)");
 *   throw error;
 * }
 * ```
 */
export class LinkSecretError extends Error {
  override readonly name = "LinkSecretError";
}

const MIN_LENGTH = 32;

/**
 * The configured secrets, or the environment's: `PRIVATE_FILES_LINK_SECRET` first,
 * then `PRIVATE_FILES_LINK_PREVIOUS_SECRETS` (comma-separated). Read when first
 * needed, not at start-up, so `next build` needs no secret.
 */
export function linkSecrets(configured: readonly string[] | undefined, env: Readonly<Record<string, string | undefined>> = process.env): readonly string[] {
  const fromEnv = () =>
    [env.PRIVATE_FILES_LINK_SECRET ?? "", ...(env.PRIVATE_FILES_LINK_PREVIOUS_SECRETS ?? "").split(",")].map((s) => s.trim()).filter((s) => s !== "");
  const secrets = configured ?? fromEnv();
  if (secrets.length === 0) throw new LinkSecretError("links need a secret: set PRIVATE_FILES_LINK_SECRET (or links.secrets)");
  for (const secret of secrets) {
    if (secret.length < MIN_LENGTH) throw new LinkSecretError(`link secrets must be at least ${MIN_LENGTH} characters`);
  }
  return secrets;
}
