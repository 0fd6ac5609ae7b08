import { definePrivateFiles, localFileStorage, preDownload, privateModel, stringId } from "next-private-files";
import { nextAuthSession } from "next-private-files/next-auth";
import { authOptions } from "./auth";
import { db } from "./db";

// Team documents: only a member of the document's team may download its file.
export const documents = privateModel({
  id: stringId(), // cuid ids
  load: (id) => db.document.findUnique({ where: { id } }),
}).fields({
  file: {
    originalName: "fileName",
    condition: async (request, document) =>
      request.user !== null &&
      (await db.membership.findUnique({
        where: { userId_teamId: { userId: request.user.id, teamId: document.teamId } },
      })) !== null,
  },
});

export const privateFiles = definePrivateFiles({
  models: { Document: documents }, // URLs: /api/download/Document/file/<id>/<fileName>
  basePath: "/api/download",
  getSession: nextAuthSession(authOptions),
  // Stored files live outside the project, where neither `public/` nor a build can reach them.
  storage: localFileStorage({ root: process.env.FILES_ROOT ?? "/var/lib/team-files" }),
});

// The download counter: one per download; a resumed download (a range not from byte 0) is the same one.
preDownload.connect(
  async ({ record, range }) => {
    if (range !== null && range.start !== 0) return;
    await db.document.update({ where: { id: record.id }, data: { downloads: { increment: 1 } } });
  },
  { sender: documents },
);
