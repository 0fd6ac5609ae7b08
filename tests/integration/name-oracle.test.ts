import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteRow, insertSubmission, randomData, writeStored } from "./support/fixtures";
import { get, signIn, type CookieJar } from "./support/session";

// Issue 12, item 8 ("filename oracle"): the route compares the name segment only once the
// request is authorized. Before, a refused user got 403 for the right name and 404 for a
// wrong one, so a file's name could be guessed one request at a time.

const NAME = "Salaries 2026 (confidential).pdf";
const DATA = randomData(1000);
let alice: CookieJar;
let bob: CookieJar;
let id: number;

beforeAll(async () => {
  [alice, bob] = await Promise.all([signIn("alice@example.com"), signIn("bob@example.com")]);
  const stored = await writeStored("submissions/name-oracle.pdf", DATA);
  id = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: NAME, fileSize: DATA.length });
});
afterAll(() => deleteRow("FileSubmission", id));

const url = (name: string) => `/files/FileSubmission/file/${id}/${encodeURIComponent(name)}`;
const GUESSES = [NAME, "Salaries 2025 (confidential).pdf", NAME.toUpperCase(), "name-oracle.pdf", "x"];

async function answer(name: string, jar?: CookieJar, headers: Record<string, string> = {}) {
  const response = await get(url(name), { jar, headers });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

describe("a refused request gets the same answer whatever name it sends", () => {
  it("another user: 403 for the right name and for every wrong one, byte for byte", async () => {
    const answers = await Promise.all(GUESSES.map((name) => answer(name, bob)));
    expect(answers[0]!.status).toBe(403);
    for (const other of answers) expect(other).toEqual(answers[0]);
  });

  it("another user's browser navigation: the same refusal page for every name", async () => {
    const answers = await Promise.all(GUESSES.map((name) => answer(name, bob, { Accept: "text/html" })));
    expect(answers[0]!.status).toBe(403);
    for (const other of answers) expect(other).toEqual(answers[0]);
  });

  it("anonymous: 401 for every name", async () => {
    const answers = await Promise.all(GUESSES.map((name) => answer(name)));
    expect(answers[0]!.status).toBe(401);
    for (const other of answers) expect(other).toEqual(answers[0]);
  });

  it("the owner still gets 200 for the right name and 404 for a wrong one", async () => {
    expect((await answer(NAME, alice)).status).toBe(200);
    for (const name of GUESSES.slice(1)) expect((await answer(name, alice)).status).toBe(404);
  });
});
