import type { FileItem } from "@/lib/files/list-files";
import { FileRow } from "./file-row";
import { ZipDownload } from "./zip-download";

export function FileTable({ files }: { files: FileItem[] }) {
  return (
    <div className="table-wrap">
      <table aria-labelledby="files-heading">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Select for the zip</span>
            </th>
            <th scope="col">Description</th>
            <th scope="col">File</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Uploaded</th>
            <th scope="col" className="num">
              Downloads
            </th>
          </tr>
        </thead>
        <tbody>
          {files.map((item) => (
            <FileRow key={`${item.model}-${item.field}-${item.id}`} item={item} />
          ))}
        </tbody>
      </table>
      <ZipDownload />
    </div>
  );
}
