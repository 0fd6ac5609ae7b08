import { definePrivateFiles, intId, localFileStorage, owner, privateModel } from "next-private-files";
import { authjsSession } from "next-private-files/authjs";
import { authConfig } from "@/auth.config";
import { db } from "./db";

// Each note's attachment: only the note's owner may download it.
export const notes = privateModel({
  id: intId, // autoincrement ids
  load: (id) => db.note.findUnique({ where: { id } }),
}).fields({
  attachment: { originalName: "attachmentName", condition: owner("ownerId") },
});

export const privateFiles = definePrivateFiles({
  models: { Note: notes }, // URLs: /files/Note/attachment/<id>/<attachmentName>
  basePath: "/files",
  // Reads Auth.js's session cookie itself: no request to /api/auth/session per download.
  getSession: authjsSession(authConfig),
  storage: localFileStorage({ root: process.env.FILES_ROOT ?? "/var/lib/authjs-notes" }),
});
