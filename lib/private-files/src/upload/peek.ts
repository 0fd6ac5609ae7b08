/**
 * Reads the first `bytes` bytes of a stream (fewer if it ends sooner) and gives
 * back a stream of the whole content, those bytes included, for the writer.
 */
export async function peek(
  source: ReadableStream<Uint8Array>,
  bytes: number,
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = source.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const chunk = await reader.read();
    if (chunk.done) {
      ended = true;
      break;
    }
    chunks.push(chunk.value);
    length += chunk.value.byteLength;
  }
  const read = Buffer.concat(chunks, length);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (length > 0) controller.enqueue(read);
      if (ended) controller.close();
    },
    async pull(controller) {
      const chunk = await reader.read();
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { head: read.subarray(0, bytes), stream };
}
