// Square crop math for avatars and room logos: the largest centred square, narrowed by a
// zoom factor and moved by a pan within what the image leaves around it.

export interface Size {
  width: number;
  height: number;
}

/** Where the crop sits: -1 (left/top edge) … 0 (centred) … 1 (right/bottom edge). */
export interface Pan {
  x: number;
  y: number;
}

/** A square of the source image, in source pixels. */
export interface CropRect {
  sx: number;
  sy: number;
  side: number;
}

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 4;
/** The server re-encodes avatars and logos to at most 512 px a side. */
export const CROP_OUTPUT_MAX = 512;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function clampZoom(zoom: number): number {
  return Number.isFinite(zoom) ? clamp(zoom, MIN_ZOOM, MAX_ZOOM) : MIN_ZOOM;
}

/** The square of `img` to keep at this zoom and pan. */
export function cropRect(img: Size, zoom: number, pan: Pan = { x: 0, y: 0 }): CropRect {
  const base = Math.min(img.width, img.height);
  if (!(base > 0)) return { sx: 0, sy: 0, side: 0 };
  const side = base / clampZoom(zoom);
  const slackX = img.width - side;
  const slackY = img.height - side;
  const sx = (slackX / 2) * (1 + clamp(pan.x, -1, 1));
  const sy = (slackY / 2) * (1 + clamp(pan.y, -1, 1));
  return { sx, sy, side };
}

/**
 * The pan after dragging the preview by (dx, dy) preview pixels: the picture follows the
 * pointer, so the crop window moves the other way.
 */
export function panBy(pan: Pan, dx: number, dy: number, previewSide: number, img: Size, zoom: number): Pan {
  const { side } = cropRect(img, zoom, pan);
  if (!(previewSide > 0) || !(side > 0)) return pan;
  const scale = side / previewSide;
  const halfSlackX = (img.width - side) / 2;
  const halfSlackY = (img.height - side) / 2;
  return {
    x: halfSlackX > 0 ? clamp(pan.x - (dx * scale) / halfSlackX, -1, 1) : 0,
    y: halfSlackY > 0 ? clamp(pan.y - (dy * scale) / halfSlackY, -1, 1) : 0,
  };
}

/** The exported square's side: the crop's own size, at most CROP_OUTPUT_MAX, at least 1. */
export function outputSide(rect: CropRect, max = CROP_OUTPUT_MAX): number {
  return Math.max(1, Math.min(max, Math.round(rect.side)));
}
