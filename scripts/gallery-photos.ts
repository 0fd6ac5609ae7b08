// The gallery's sample photos (app/gallery), made in code with sharp so the demo ships
// no binary file: large enough (1600 px wide) that the image variants are real
// reductions, each a different scene of gradients and shapes (no text: that needs fonts).

import sharp from "sharp";

/** One sample photo: its title in the gallery, its file name, its size and colours. */
export interface GalleryPhoto {
  readonly title: string;
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly sky: readonly [string, string];
  readonly ground: string;
  readonly sun: string;
}

/** The seeded photos: JPEGs and a PNG, landscape and portrait, one name with an accent and a space. */
export const GALLERY_PHOTOS: readonly GalleryPhoto[] = [
  { title: "Harbour at dawn", name: "harbour-at-dawn.jpg", width: 1600, height: 1200, sky: ["#1d3b7a", "#f6a04d"], ground: "#0f2a4a", sun: "#ffd37a" },
  { title: "Meadow at noon", name: "meadow.jpg", width: 1600, height: 1067, sky: ["#4aa3ff", "#d8f0ff"], ground: "#3f8f3a", sun: "#fff6c2" },
  { title: "Café terrace", name: "Café terrace.jpg", width: 1600, height: 1200, sky: ["#2b1b4a", "#c0587e"], ground: "#3a2a1a", sun: "#ffe2a8" },
  { title: "Lighthouse", name: "lighthouse.png", width: 1200, height: 1600, sky: ["#0a1a33", "#3a6ea5"], ground: "#1b2b3b", sun: "#f5f5dc" },
  { title: "Desert road", name: "desert-road.jpg", width: 1600, height: 900, sky: ["#ff9a3c", "#ffe7a3"], ground: "#c98a4b", sun: "#fff1d0" },
  { title: "Winter lake", name: "winter-lake.jpg", width: 1600, height: 1200, sky: ["#9fb8cf", "#eef4f8"], ground: "#dfe9f0", sun: "#ffffff" },
];

function scene(photo: GalleryPhoto): string {
  const { width: w, height: h, sky, ground, sun } = photo;
  const horizon = Math.round(h * 0.62);
  const hills = [0.15, 0.45, 0.8].map((x, i) => `<ellipse cx="${Math.round(w * x)}" cy="${horizon + 40}" rx="${Math.round(w * (0.28 - i * 0.04))}" ry="${Math.round(h * (0.12 + i * 0.03))}" fill="${ground}" fill-opacity="${0.55 + i * 0.15}"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/></linearGradient></defs>
  <rect width="${w}" height="${h}" fill="url(#sky)"/>
  <circle cx="${Math.round(w * 0.7)}" cy="${Math.round(h * 0.35)}" r="${Math.round(Math.min(w, h) * 0.12)}" fill="${sun}"/>
  ${hills.join("\n  ")}
  <rect y="${horizon}" width="${w}" height="${h - horizon}" fill="${ground}"/>
</svg>`;
}

/** The photo's bytes: a JPEG (quality 82) or a PNG, as its name says. */
export function renderGalleryPhoto(photo: GalleryPhoto): Promise<Buffer> {
  const image = sharp(Buffer.from(scene(photo)));
  return photo.name.endsWith(".png") ? image.png().toBuffer() : image.jpeg({ quality: 82 }).toBuffer();
}
