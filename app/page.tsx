import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/current-user";
import { listFilesFor } from "@/lib/files/list-files";
import { privateFiles } from "@/lib/files/private-files";
import { FileTable } from "./_components/file-table";
import { UploadForm } from "./_components/upload-form";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const user = await currentUser();
  if (!user) redirect("/signin?callbackUrl=%2F");
  const files = await listFilesFor(user.id);
  // The form offers what the server accepts, up to its limit; the server checks again.
  const { extensions: accept, maxBytes } = privateFiles.uploadPolicy("FileSubmission", "file");

  return (
    <>
      <h1>My files</h1>
      <UploadForm accept={accept} maxBytes={maxBytes} />
      <h2 id="files-heading">Files you can download</h2>
      {files.length === 0 ? <p>You have no files yet. Upload one above.</p> : <FileTable files={files} />}
    </>
  );
}
