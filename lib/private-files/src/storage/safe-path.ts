import path from "node:path";
import { UnsafeStoredPathError } from "./errors.js";

/**
 * Checks that a stored path is a plain relative path: no absolute paths, drive
 * letters, backslashes, NUL bytes, empty, `.` or `..` segments. Returns its segments.
 * This is a string check; the storage also checks where the path really resolves.
 */
export function relativeSegments(stored: string): string[] {
  if (stored.includes("\0")) throw new UnsafeStoredPathError(stored, "contains a NUL byte");
  if (stored.includes("\\")) throw new UnsafeStoredPathError(stored, "contains a backslash");
  if (stored.startsWith("/") || /^[A-Za-z]:/.test(stored)) {
    throw new UnsafeStoredPathError(stored, "is absolute");
  }
  const segments = stored.split("/");
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new UnsafeStoredPathError(stored, `has a ${JSON.stringify(segment)} segment`);
    }
  }
  return segments;
}

/** A folder path for uploads: "" (the root itself) or a relative path checked like a stored path. */
export function relativeFolder(folder: string): string[] {
  const trimmed = folder.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? [] : relativeSegments(trimmed);
}

/** True when `candidate` is `root` or inside it. Both must be absolute and normalised. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent; a shortcut, "" (the root itself) is also accepted by the checks below
  if (relative === "") return true;
  if (relative === ".." || relative.startsWith(`..${path.sep}`)) return false;
  return !path.isAbsolute(relative);
}
