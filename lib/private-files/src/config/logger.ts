import type { Logger } from "./types.js";

/** Default logger: one line on stderr, prefixed so it can be grepped out of a server log. */
export const consoleLogger: Logger = {
  warn: (message, details) => console.warn(`[private-files] ${message}`, details ?? ""),
  error: (message, details) => console.error(`[private-files] ${message}`, details ?? ""),
};
