// Pure helpers for showing files and explaining why an upload failed.
import { ApiError } from "../api/client";
import type { FilePurpose } from "../api/types";

const MiB = 1024 * 1024;

/** The server's caps: attachments and notes 10 MiB, avatars and room logos 4 MiB. */
export function maxBytesFor(purpose: FilePurpose): number {
  return purpose === "avatar" || purpose === "room_logo" ? 4 * MiB : 10 * MiB;
}

/** 0 B, 999 B, 1.5 KB, 10 MB, 1.2 GB (1024-based, one decimal below 10). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "";
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const rounded = v < 10 ? Math.round(v * 10) / 10 : Math.round(v);
  // 1023.96 KB rounds up to "1024 KB": say 1 MB instead.
  if (rounded >= 1024 && i < units.length - 1) return `1 ${units[i + 1]}`;
  return `${rounded} ${units[i]}`;
}

export type FileKind = "image" | "video" | "audio" | "pdf" | "text" | "archive" | "document" | "other";

/** What icon a file gets, from its (server-decided) content type, else its name. */
export function fileKind(contentType: string | null | undefined, name = ""): FileKind {
  const t = (contentType ?? "").toLowerCase().split(";")[0].trim();
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
  if (t.startsWith("image/")) return "image";
  if (t.startsWith("video/")) return "video";
  if (t.startsWith("audio/")) return "audio";
  if (t === "application/pdf" || (!t && ext === "pdf")) return "pdf";
  if (t.startsWith("text/") || t === "application/json" || (!t && ["txt", "md", "csv"].includes(ext))) return "text";
  if (/(zip|x-tar|gzip|x-7z|x-rar)/.test(t) || (!t && ["zip", "tar", "gz", "7z", "rar"].includes(ext))) return "archive";
  if (/(msword|officedocument|opendocument|rtf|ms-excel|ms-powerpoint)/.test(t)) return "document";
  if (!t && ["doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp"].includes(ext)) return "document";
  return "other";
}

/** Images a browser can show, previewed with a thumbnail (SVG is shown as a file card). */
export function isPreviewableImage(contentType: string | null | undefined): boolean {
  const t = (contentType ?? "").toLowerCase();
  return t.startsWith("image/") && !t.startsWith("image/svg");
}

const AVATAR_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];

/**
 * Checks worth doing before a byte is sent; null when the file may go. The server decides
 * in the end (the type from the bytes, its own limits): its answer is shown too.
 */
export function precheckUpload(file: { name: string; size: number; type: string }, purpose: FilePurpose): string | null {
  if (file.size === 0) return `${file.name} is empty`;
  const max = maxBytesFor(purpose);
  if (file.size > max) return `${file.name} is larger than ${formatBytes(max)}`;
  if ((purpose === "avatar" || purpose === "room_logo") && file.type && !AVATAR_TYPES.includes(file.type))
    return `${file.name} is not a PNG, JPEG, WebP or GIF image`;
  return null;
}

/** One sentence for a failed upload, naming the file. */
export function uploadErrorMessage(name: string, e: unknown, purpose: FilePurpose = "attachment"): string {
  if (!(e instanceof ApiError)) return `${name} could not be uploaded${e instanceof Error && e.message ? `: ${e.message}` : ""}`;
  const said = e.detail || e.title;
  switch (e.code) {
    case "too_large":
      return `${name} is larger than ${formatBytes(maxBytesFor(purpose))}`;
    case "quota_exceeded":
      return `${name} does not fit in your storage quota`;
    case "infected":
      return `${name} was rejected by the virus scanner`;
    case "rate_limited":
      return `Too many uploads at once; try ${name} again in a moment`;
    case "network_error":
      return `${name} could not reach the server; check your connection`;
    case "aborted":
      return `${name}: upload cancelled`;
  }
  if (e.status === 413) return `${name} is larger than ${formatBytes(maxBytesFor(purpose))}`;
  if (e.status === 415)
    return purpose === "avatar" || purpose === "room_logo"
      ? `${name} is not a PNG, JPEG, WebP or GIF image`
      : `${name}: files of this type cannot be uploaded`;
  if (e.status === 503) return `${name} could not be stored right now; try again`;
  return `${name}: ${said}`;
}
