import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/current-user";
import { galleryImages } from "@/lib/files/gallery";
import { PrivateImage } from "../_components/private-image";

export const metadata: Metadata = { title: "Gallery · Private files demo" };
export const dynamic = "force-dynamic";

// How wide a tile shows (app/globals.css, .gallery): three columns of the 860px page from
// 860px up, three thirds of the screen from 600px, two halves below. The browser picks
// the candidate of srcset that covers it; the kit snaps it to a declared variant.
const TILE_SIZES = "(min-width: 860px) 266px, (min-width: 600px) 33vw, 50vw";

export default async function GalleryPage() {
  const user = await currentUser();
  if (!user) redirect("/signin?callbackUrl=%2Fgallery");
  const images = await galleryImages();

  return (
    <>
      <h1>Gallery</h1>
      <p className="muted">Private images, each at the size your screen needs. Open one for the original.</p>
      {images.length === 0 ? (
        <p>No images yet.</p>
      ) : (
        <ul className="gallery" data-testid="gallery">
          {images.map((image) => (
            <li key={image.id} className="gallery-item">
              <a href={image.url} className="gallery-link" data-testid="gallery-link">
                <span className="gallery-frame">
                  <PrivateImage src={image.url} alt="" fill sizes={TILE_SIZES} className="gallery-image" data-testid="gallery-image" />
                </span>
                <span className="gallery-title">{image.title}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
