import { describe, expect, it } from "vitest";
import { malformedPathAnswer } from "next-private-files/next";

describe("malformedPathAnswer (proxy.ts)", () => {
  it.each(["/files/a/b/1/x%", "/files/a/b/1/x%zz", "/files/a/b/1/%C0%AE", "/files/a/b/1/x%E2%82", "/files/a/b/1/%ED%A0%80"])(
    "answers the route's 404 for %s",
    async (path) => {
      const response = malformedPathAnswer(new Request(`http://localhost${path}`))!;
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("Not Found\n");
    },
  );

  it.each(["/files/a/b/1/x.pdf", "/files/a/b/1/%E6%97%A5.txt", "/files/a/b/1/%2e%2e%2f", "/files/a/b/1/%25zz"])("lets %s through to the route", (path) => {
    expect(malformedPathAnswer(new Request(`http://localhost${path}`))).toBeUndefined();
  });
});
