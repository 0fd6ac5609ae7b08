import { describe, expect, it } from "vitest";
import { parseScanReply, replyText } from "../../../lib/private-files/src/scan/clamd-reply";

// Every form of reply clamd gives to INSTREAM, and a few it does not give, read by the
// parser clamdScanner uses. Anything but OK or FOUND must not read as clean.

describe("parseScanReply", () => {
  it("reads `stream: OK` (NUL- or newline-terminated) as clean", () => {
    expect(parseScanReply("stream: OK\0")).toEqual({ kind: "clean" });
    expect(parseScanReply("stream: OK\n")).toEqual({ kind: "clean" });
    expect(parseScanReply("stream: OK")).toEqual({ kind: "clean" });
  });

  it("reads `stream: <signature> FOUND` as infected with that signature", () => {
    expect(parseScanReply("stream: Eicar-Test-Signature FOUND\0")).toEqual({ kind: "infected", signature: "Eicar-Test-Signature" });
    expect(parseScanReply("stream: Win.Test.EICAR_HDB-1 FOUND\n")).toEqual({ kind: "infected", signature: "Win.Test.EICAR_HDB-1" });
    expect(parseScanReply("stream: Heuristics.Limits.Exceeded.MaxFileSize FOUND\0")).toEqual({ kind: "infected", signature: "Heuristics.Limits.Exceeded.MaxFileSize" });
  });

  it("reads anything ending in ERROR as an error, with clamd's message", () => {
    expect(parseScanReply("INSTREAM size limit exceeded. ERROR\0")).toEqual({ kind: "error", message: "INSTREAM size limit exceeded." });
    expect(parseScanReply("stream: Can't allocate memory ERROR\0")).toEqual({ kind: "error", message: "Can't allocate memory" });
    expect(parseScanReply("ERROR\0")).toEqual({ kind: "error", message: "ERROR" });
  });

  it("reads everything else as unrecognized, never clean", () => {
    for (const reply of ["", "\0", "PONG\0", "UNKNOWN COMMAND\0", "COMMAND READ TIMED OUT\0", "stream: OK FOUND?\0", "stream: FOUND\0", "1: stream: OK\0", "stream: ok\0", "stream: OKAY\0"]) {
      expect(parseScanReply(reply).kind, JSON.stringify(reply)).toBe("unrecognized");
    }
    expect(parseScanReply("UNKNOWN COMMAND\0")).toEqual({ kind: "unrecognized", text: "UNKNOWN COMMAND" });
  });
});

describe("replyText", () => {
  it("drops the terminator and surrounding space", () => {
    expect(replyText("PONG\0")).toBe("PONG");
    expect(replyText(" PONG\r\n")).toBe("PONG");
  });
});
