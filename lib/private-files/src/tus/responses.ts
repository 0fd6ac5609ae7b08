import { TUS_RESUMABLE } from "@tus/utils";
import { uploadErrorResponse } from "../upload/intake/error-response.js";

/** A tus answer the route writes itself (every tus answer but OPTIONS carries Tus-Resumable). */
export function tusAnswer(status: number, body: string | null, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Tus-Resumable": TUS_RESUMABLE, ...(body === null ? {} : { "Content-Type": "text/plain; charset=utf-8" }), ...headers } });
}

/** 404 for an upload URL that is not the caller's or does not exist: the same answer, so nothing leaks. */
export function uploadNotFound(): Response {
  return tusAnswer(404, "no such upload\n");
}

/** A core upload error as its JSON answer, with Tus-Resumable; null for anything else. */
export function tusErrorResponse(error: unknown, headers: Record<string, string> = {}): Response | null {
  const response = uploadErrorResponse(error);
  if (!response) return null;
  const out = new Headers(response.headers);
  out.set("Tus-Resumable", TUS_RESUMABLE);
  for (const [name, value] of Object.entries(headers)) out.set(name, value);
  return new Response(response.body, { status: response.status, headers: out });
}
