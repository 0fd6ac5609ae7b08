import type { FileItem } from "@/lib/files/list-files";
import { formatDate, formatSize } from "./format";
import { ShareLinks } from "./share-links";

export function FileTable({ files }: { files: FileItem[] }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
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
            <tr key={`${item.model}-${item.field}-${item.id}`}>
              <td>{item.description}</td>
              <td>
                <span className="file-cell">
                  {item.model === "SharedImage" && (
                    // Plain <img>: next/image would refetch the private URL without the user's cookie.
                    <img src={item.url} alt={item.description} width={64} height={64} className="preview" />
                  )}
                  <a href={item.url} data-testid="file-link" data-model={item.model}>
                    {item.filename}
                  </a>
                </span>
                {/* Only the owner lists submissions, so every FileSubmission here is theirs to share. */}
                {item.model === "FileSubmission" && <ShareLinks fileId={item.id} filename={item.filename} />}
              </td>
              <td className="num">{formatSize(item.size)}</td>
              <td>
                <time dateTime={item.createdAt}>{formatDate(item.createdAt)}</time>
              </td>
              {item.model === "CountedDownload" ? (
                <td className="num" data-testid="download-count">
                  {item.downloads ?? 0}
                </td>
              ) : (
                <td className="num">—</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
