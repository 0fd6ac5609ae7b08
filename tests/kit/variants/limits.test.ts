import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyone, createPrivateFileRoute, definePrivateFiles, intId, localFileStorage, privateModel, type VariantGeneratedEvent } from "next-private-files";

// The resize cap through the route: with `images.concurrency: 1`, four first requests for
// four variants at once resize one at a time (sharp's own counters, sampled meanwhile,
// never show two pipelines at work), and the event loop stays responsive throughout.
// Also the `images` options are checked at start-up.

type Photo = { id: number; image: string | null };
let root: string;

beforeAll(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pf-variant-limits-")));
  await fs.mkdir(path.join(root, "p"));
  await sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#000", noise: { type: "gaussian", mean: 120, sigma: 50 } } })
    .jpeg()
    .toFile(path.join(root, "p", "big.jpg"));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function setup(images: Parameters<typeof definePrivateFiles>[0]["images"]) {
  const generated: VariantGeneratedEvent[] = [];
  const photos = privateModel<Photo, number>({ id: intId, load: async () => ({ id: 1, image: "p/big.jpg" }) }).fields({
    image: { condition: anyone, variants: { a: { width: 300 }, b: { width: 500 }, c: { width: 700 }, d: { width: 900 } } },
  });
  const files = definePrivateFiles({ models: { photos }, getSession: async () => null, storage: localFileStorage({ root }), images, on: { variantGenerated: (event) => void generated.push(event) } });
  const route = createPrivateFileRoute(files);
  return { generated, get: (variant: string) => route.GET(new Request(`http://localhost/files/photos/image/1/big.jpg?variant=${variant}`)) };
}

describe("images.concurrency", () => {
  it("1: four variants asked for at once are resized one at a time, and the event loop keeps turning", async () => {
    const { get, generated } = setup({ concurrency: 1 });
    let busiest = 0;
    let worstLagMs = 0;
    let last = performance.now();
    const sampler = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last - 2);
      last = now;
      busiest = Math.max(busiest, sharp.counters().process);
    }, 2);
    try {
      const answers = await Promise.all(["a", "b", "c", "d"].map((name) => get(name)));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      await Promise.all(answers.map((answer) => answer.arrayBuffer()));
    } finally {
      clearInterval(sampler);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(generated.map((event) => event.variant).sort()).toEqual(["a", "b", "c", "d"]);
    expect(busiest).toBe(1);
    expect(worstLagMs).toBeLessThan(250);
  });

  it.each([{ concurrency: 0 }, { concurrency: 1.5 }, { limitInputPixels: -1 }, { maxInputBytes: 0 }])("refuses %j at start-up", (images) => {
    expect(() => setup(images)).toThrow(TypeError);
  });
});
