import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/current-user";
import { listFilesFor } from "@/lib/files/list-files";
import { FileTable } from "./_components/file-table";
import { UploadForm } from "./_components/upload-form";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const user = await currentUser();
  if (!user) redirect("/signin?callbackUrl=%2F");
  const files = await listFilesFor(user.id);

  return (
    <>
      <h1>My files</h1>
      <UploadForm />
      <h2>Files you can download</h2>
      {files.length === 0 ? <p>You have no files yet. Upload one above.</p> : <FileTable files={files} />}
    </>
  );
}
