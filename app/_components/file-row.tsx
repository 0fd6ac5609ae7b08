import mime from "mime";
import { hasVariants } from "@/lib/files/image-types";
import type { FileItem } from "@/lib/files/list-files";
import { formatDate, formatSize } from "./format";
import { PrivateImage } from "./private-image";
import { ShareLinks } from "./share-links";
import { ZIP_FORM_ID, ZIP_ITEM } from "./zip-form";

/** What the row shows beside the link: the file itself, for the inline (SharedImage) field. */
function Preview({ item }: { item: FileItem }) {
  if (item.model !== "SharedImage") return null;
  const type = mime.getType(item.filename) ?? "";
  if (type.startsWith("video/")) {
    // preload="metadata": the browser reads the index first, then asks for byte ranges as it plays or seeks.
    return (
      <video src={item.url} controls preload="metadata" width={240} className="preview-video" aria-label={`${item.description} (video, no sound)`} data-testid="video-preview" />
    );
  }
  if (hasVariants(item.filename)) {
    // next/image with the kit's loader: the browser asks the file route for a variant
    // (?w=), with its cookie; Next's optimizer would fetch it without one (401).
    return <PrivateImage src={item.url} alt={item.description} width={64} height={64} sizes="64px" className="preview" data-testid="image-preview" />;
  }
  if (type.startsWith("image/")) {
    // SVG: no variants (the kit resizes raster images only).
    return <img src={item.url} alt={item.description} width={64} height={64} className="preview" data-testid="image-preview" />;
  }
  return null;
}

/** One downloadable file: its description, link (and preview), size, date and download count. */
export function FileRow({ item }: { item: FileItem }) {
  return (
    <tr data-testid="file-row" data-model={item.model} data-id={item.id}>
      <td>
        {/* Part of the "Download as zip" form below the table (zip-download.tsx). */}
        <input
          type="checkbox"
          id={`zip-${item.model}-${item.id}`}
          name={ZIP_ITEM}
          form={ZIP_FORM_ID}
          value={JSON.stringify({ model: item.model, field: item.field, id: item.id })}
          data-testid="zip-checkbox"
        />
        <label htmlFor={`zip-${item.model}-${item.id}`} className="visually-hidden">
          Select {item.filename} for the zip
        </label>
      </td>
      <td>{item.description}</td>
      <td>
        <span className={item.model === "SharedImage" ? "file-cell file-cell-media" : "file-cell"}>
          <Preview item={item} />
          <a href={item.url} data-testid="file-link" data-model={item.model}>
            {item.filename}
          </a>
        </span>
        {/* Only the owner lists submissions, so every FileSubmission here is theirs to share. */}
        {item.model === "FileSubmission" && <ShareLinks fileId={item.id} filename={item.filename} />}
      </td>
      <td className="num" data-testid="file-size">
        {formatSize(item.size)}
      </td>
      <td>
        <time dateTime={item.createdAt} data-testid="file-date">
          {formatDate(item.createdAt)}
        </time>
      </td>
      {item.downloads !== undefined ? (
        <td className="num" data-testid="download-count">
          {item.downloads}
        </td>
      ) : (
        <td className="num">
          <span aria-hidden="true">—</span>
          <span className="visually-hidden">not counted</span>
        </td>
      )}
    </tr>
  );
}
