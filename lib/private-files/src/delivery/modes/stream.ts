import { observeBytes, observeStream } from "../../hooks/observe-stream.js";
import { SMALL_BODY_BYTES } from "../../storage/small-body.js";
import { StorageReadError, type DeliveryMode } from "../mode.js";

/** `"stream"` (the default): the route sends the bytes itself, counted, with the idle timeout. */
export const streamMode: DeliveryMode<"stream"> = {
  name: "stream",
  offloads: false,
  async deliver(_delivery, { file, status, headers, range, idleTimeoutMs, report }) {
    // Stryker disable next-line ArithmeticOperator: equivalent; the length only picks reading whole or streaming near SMALL_BODY_BYTES, and both send the same bytes
    const length = range === null ? file.size : range.end - range.start + 1;
    if (file.read && length <= SMALL_BODY_BYTES) {
      // A small answer is read in one go and the file closed before the answer goes out:
      // no stream over the file, and a read that fails is a clean 503, not a cut connection.
      let bytes: Uint8Array;
      try {
        bytes = await file.read(range ?? undefined);
      } catch (error) {
        throw new StorageReadError(error);
      }
      return new Response(observeBytes(bytes, report), { status, headers });
    }
    return new Response(observeStream(file.stream(range ?? undefined), report, idleTimeoutMs), { status, headers });
  },
};
