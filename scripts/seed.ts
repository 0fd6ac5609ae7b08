// Seeds the demo database and storage: three users, one file per model, a video, and the
// gallery's photos.
// Idempotent: running it again changes nothing that is already there.
import { deflateSync, crc32 } from "node:zlib";
import { storeUpload } from "next-private-files/upload";
import { hashPassword } from "@/lib/auth/password";
import { prisma } from "@/lib/db/prisma";
import { privateFiles } from "@/lib/files/private-files";
import { GALLERY_PHOTOS, renderGalleryPhoto } from "./gallery-photos";
import { sampleVideo } from "./sample-video";

const password = process.env.DEMO_PASSWORD || "demo-password";
// The seed writes the demo's own files: under no user's upload quota or slots.
const SEEDED = { user: null } as const;

const USERS = [
  { email: "alice@example.com", name: "Alice", isStaff: false },
  { email: "bob@example.com", name: "Bob", isStaff: false },
  { email: "staff@example.com", name: "Staff", isStaff: true },
];

/** A solid-colour PNG, so the demo ships no binary files. */
function png(width: number, height: number, rgb: [number, number, number]): Uint8Array<ArrayBuffer> {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]));
}

async function main() {
  const users = new Map<string, number>();
  for (const user of USERS) {
    const existing = await prisma.user.findUnique({ where: { email: user.email } });
    const saved = existing ?? (await prisma.user.create({ data: { ...user, passwordHash: await hashPassword(password) } }));
    users.set(user.email, saved.id);
  }

  const submissions = [
    { owner: "alice@example.com", description: "Alice's quarterly report", name: "report-q3.txt", body: "Alice's private report.\n" },
    { owner: "bob@example.com", description: "Bob's exam answers", name: "answers.txt", body: "Bob's private answers.\n" },
  ];
  for (const item of submissions) {
    const ownerId = users.get(item.owner)!;
    if (await prisma.fileSubmission.findFirst({ where: { ownerId, description: item.description } })) continue;
    const stored = await storeUpload(privateFiles, "FileSubmission", "file", new File([item.body], item.name), SEEDED);
    await prisma.fileSubmission.create({
      data: { ownerId, description: item.description, file: stored.path, fileName: stored.originalName, fileSize: stored.size },
    });
  }

  if (!(await prisma.countedDownload.findUnique({ where: { description: "Price list" } }))) {
    const csv = "item,price\nwidget,4.20\ngadget,13.37\n";
    const stored = await storeUpload(privateFiles, "CountedDownload", "file", new File([csv], "price-list.csv"), SEEDED);
    await prisma.countedDownload.create({
      data: { description: "Price list", file: stored.path, fileName: stored.originalName, fileSize: stored.size },
    });
  }

  if (!(await prisma.sharedImage.findUnique({ where: { title: "Team logo" } }))) {
    const stored = await storeUpload(privateFiles, "SharedImage", "image", new File([png(64, 64, [37, 99, 235])], "logo.png"), SEEDED);
    await prisma.sharedImage.create({
      data: { title: "Team logo", image: stored.path, imageName: stored.originalName, imageSize: stored.size },
    });
  }
  // A video served inline through the route, so a <video> element plays and seeks it (ranges).
  if (!(await prisma.sharedImage.findUnique({ where: { title: "Welcome video" } }))) {
    const stored = await storeUpload(privateFiles, "SharedImage", "image", new File([sampleVideo()], "welcome.mp4"), SEEDED);
    await prisma.sharedImage.create({
      data: { title: "Welcome video", image: stored.path, imageName: stored.originalName, imageSize: stored.size },
    });
  }
  // The gallery (app/gallery): photos large enough that their variants are real reductions.
  for (const photo of GALLERY_PHOTOS) {
    if (await prisma.sharedImage.findUnique({ where: { title: photo.title } })) continue;
    const bytes = new Uint8Array(await renderGalleryPhoto(photo));
    const stored = await storeUpload(privateFiles, "SharedImage", "image", new File([bytes], photo.name), SEEDED);
    await prisma.sharedImage.create({
      data: { title: photo.title, image: stored.path, imageName: stored.originalName, imageSize: stored.size },
    });
  }
  console.log(`seeded: ${USERS.map((u) => u.email).join(", ")} (password from DEMO_PASSWORD or "demo-password")`);
}

main()
  .then(() => prisma.$disconnect())
  .catch(async (error: unknown) => {
    console.error(error);
    await prisma.$disconnect();
    process.exit(1);
  });
