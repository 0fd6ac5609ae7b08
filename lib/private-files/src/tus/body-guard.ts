import { SNIFF_BYTES } from "../upload/file-types.js";

/** What happened to a PATCH body on its way to the store. */
export interface GuardOutcome {
  /** The leading-bytes check threw this (the type does not match): nothing of the body was stored. */
  refused?: unknown;
  /** The body went past the declared length: the bytes past it were not stored. */
  tooLong?: boolean;
}

export interface GuardSettings {
  /** The PATCH's Upload-Offset. */
  readonly offset: number;
  /** The declared length. */
  readonly size: number;
  /** The bytes already stored before `offset` (only asked for when 0 < offset < the sniffed length). */
  storedHead(count: number): Promise<Uint8Array>;
  /** Throws when the first bytes do not fit the upload's type (checkLeadingBytes). */
  check(head: Uint8Array): void;
}

/**
 * Wraps a PATCH body for the tus store:
 * - the first bytes of the file (SNIFF_BYTES, or the whole file if smaller) are held
 *   back until they are all there and checked; a mismatch errors the stream before any
 *   of them is written;
 * - never more than the declared length: the chunk that reaches it exactly is held
 *   until the body ends, so a body that goes on past it completes nothing;
 * - a client that goes away mid-body ends the stream instead of erroring it, so the
 *   store keeps what arrived and the upload resumes from there.
 */
export function guardBody(body: ReadableStream<Uint8Array> | null, settings: GuardSettings): { body: ReadableStream<Uint8Array>; outcome: GuardOutcome } {
  const outcome: GuardOutcome = {};
  const sniffLength = Math.min(SNIFF_BYTES, settings.size);
  const remaining = settings.size - settings.offset;
  const reader = body?.getReader();
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let sniffed = settings.offset >= sniffLength;
  let received = 0;

  const sniff = async (all: boolean): Promise<void> => {
    if (sniffed) return;
    if (!all && settings.offset + heldBytes < sniffLength) return;
    sniffed = true;
    const prefix = settings.offset > 0 ? await settings.storedHead(settings.offset) : new Uint8Array();
    const head = concat([prefix, ...held]).subarray(0, sniffLength);
    if (head.length < sniffLength && !all) return;
    settings.check(head);
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = reader ? await reader.read() : { done: true, value: undefined };
      } catch {
        // The client went away: keep what arrived (it is resumable).
        chunk = { done: true, value: undefined };
      }
      try {
        if (chunk.done) {
          // The whole file, or a PATCH that stopped short: check what is there if this
          // is all of the file; a short one is checked by the next PATCH (stored prefix).
          if (settings.offset + received === settings.size) await sniff(true);
          for (const part of held) controller.enqueue(part);
          held = [];
          controller.close();
          return;
        }
        const value = chunk.value;
        if (received + value.length > remaining || (received === remaining && value.length > 0)) {
          outcome.tooLong = true;
          await reader?.cancel().catch(() => undefined);
          controller.error(new Error(`the body goes past the declared Upload-Length of ${settings.size} bytes`));
          return;
        }
        received += value.length;
        held.push(value);
        heldBytes += value.length;
        await sniff(false);
        // Until sniffed, and the chunk that ends the file, stay held.
        if (sniffed && received < remaining) {
          for (const part of held) controller.enqueue(part);
          held = [];
          heldBytes = 0;
        }
      } catch (error) {
        outcome.refused = error;
        await reader?.cancel().catch(() => undefined);
        controller.error(error);
      }
    },
    cancel(reason) {
      return reader?.cancel(reason);
    },
  });
  return { body: stream, outcome };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
