// Files, message attachments, avatars, room logos and study notes. The generated schema
// does not describe these routes yet, so their types are written here and they are called
// with plain fetch (and XMLHttpRequest for uploads, for progress and cancel). When
// schema.d.ts is regenerated the readers below (attachmentsOf, avatarFileId, logoFileId)
// keep working: they only look at fields the new schema adds.
import { API_URL } from "../env";
import { ApiError, getToken, refreshToken } from "./client";
import type { Message, Room, User } from "./types";

export type FilePurpose = "attachment" | "avatar" | "room_logo" | "note";

/** POST /v1/files → 201. */
export interface FileView {
  id: string;
  name: string;
  /** Decided by the server from the bytes. */
  content_type: string;
  size: number;
  sha256: string;
  width?: number | null;
  height?: number | null;
  purpose: FilePurpose;
  status: "uploaded" | "attached";
  created_at: string;
  /** A path relative to the API base, e.g. /v1/files/{id}/thumbnail. */
  thumbnail_url?: string | null;
}

/** A file as messages and notes show it. */
export interface Attachment {
  id: string;
  name: string;
  content_type: string;
  size: number;
  width?: number | null;
  height?: number | null;
  thumbnail_url?: string | null;
}

export interface NoteView {
  id: string;
  title: string;
  description?: string | null;
  file: Attachment;
  room_id?: string | null;
  is_public: boolean;
  author_id: string;
  view_count: number;
  download_count: number;
  created_at: string;
  updated_at: string;
}

export interface NotePage {
  items: NoteView[];
  next_cursor: string | null;
}

export interface CreateNote {
  title: string;
  description?: string;
  file_id: string;
  room_id?: string;
  is_public: boolean;
}

export interface UpdateNote {
  title?: string;
  description?: string;
  is_public?: boolean;
  room_id?: string | null;
}

export interface NoteQuery {
  q?: string;
  room_id?: string;
  mine?: boolean;
  cursor?: string | null;
  limit?: number;
}

// ---- fields the regenerated schema will carry -------------------------------------------

/** A message's attachments (none on a deleted message). */
export function attachmentsOf(m: Message | null | undefined): Attachment[] {
  if (!m || m.deleted) return [];
  const a = (m as { attachments?: unknown }).attachments;
  return Array.isArray(a) ? (a as Attachment[]) : [];
}

export function avatarFileId(u: User | null | undefined): string | null {
  const id = (u as { avatar_file_id?: unknown } | null | undefined)?.avatar_file_id;
  return typeof id === "string" && id ? id : null;
}

export function logoFileId(r: Room | null | undefined): string | null {
  const id = (r as { logo_file_id?: unknown } | null | undefined)?.logo_file_id;
  return typeof id === "string" && id ? id : null;
}

// ---- plain fetch with the bearer token ----------------------------------------------------

/** An absolute URL for an API path (paths the API hands out, like thumbnail_url, included). */
export function apiUrl(path: string): string {
  return /^https?:\/\//.test(path) ? path : `${API_URL}${path.startsWith("/") ? "" : "/"}${path}`;
}

function problemFrom(status: number, statusText: string, body: unknown): ApiError {
  const p = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return new ApiError(status, str(p.code), str(p.title) ?? (statusText || `HTTP ${status}`), str(p.detail));
}

async function problemOf(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  return problemFrom(res.status, res.statusText, body);
}

/** fetch with the bearer token; a 401 is retried once with a fresh token. Redirects are followed. */
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const go = async (token: string | null) => {
    const headers = new Headers(init.headers);
    if (token) headers.set("Authorization", `Bearer ${token}`);
    try {
      return await fetch(apiUrl(path), { ...init, headers });
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") throw e;
      throw new ApiError(0, "network_error", "Network error", e instanceof Error ? e.message : String(e));
    }
  };
  const token = await getToken();
  const res = await go(token);
  if (res.status !== 401 || !token) return res;
  const fresh = await refreshToken();
  return fresh ? go(fresh) : res;
}

/** A JSON call: the parsed answer (undefined for 204), or an ApiError. */
export async function apiJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await authorizedFetch(path, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await problemOf(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/**
 * The bytes behind a download or thumbnail path (…/download, …/thumbnail): the API answers
 * 302 to a short-lived signed URL, which fetch follows with the token still attached.
 */
export async function fetchBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const res = await authorizedFetch(path, { signal });
  if (!res.ok) throw await problemOf(res);
  return res.blob();
}

/** Save a blob as a file named `name` (an <a download> click). */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own copy once started; give the browser a moment before revoking.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const fileDownloadPath = (id: string, inline = false) => `/v1/files/${id}/download${inline ? "?inline=1" : ""}`;
export const fileThumbnailPath = (id: string) => `/v1/files/${id}/thumbnail`;
export const noteDownloadPath = (id: string, inline = false) => `/v1/notes/${id}/download${inline ? "?inline=1" : ""}`;

export async function downloadToDisk(path: string, name: string) {
  saveBlob(await fetchBlob(path), name);
}

export function deleteFile(id: string): Promise<void> {
  return apiJson<void>("DELETE", `/v1/files/${id}`);
}

// ---- uploads --------------------------------------------------------------------------------

export interface UploadHandle {
  promise: Promise<FileView>;
  /** Cancel: the promise rejects with an ApiError whose code is "aborted". */
  abort(): void;
}

/**
 * POST /v1/files as multipart/form-data (`purpose` first, then `file`), reporting progress.
 * A 401 is retried once with a fresh token.
 */
export function uploadFile(
  file: Blob,
  opts: { name?: string; purpose?: FilePurpose; onProgress?(loaded: number, total: number): void } = {},
): UploadHandle {
  let xhr: XMLHttpRequest | null = null;
  let aborted = false;
  const abortedError = () => new ApiError(0, "aborted", "Upload cancelled");

  const attempt = (token: string | null) =>
    new Promise<{ status: number; statusText: string; body: unknown }>((resolve, reject) => {
      if (aborted) return reject(abortedError());
      const form = new FormData();
      form.append("purpose", opts.purpose ?? "attachment");
      const name = opts.name ?? (file instanceof File ? file.name : "file");
      form.append("file", file, name);
      const x = new XMLHttpRequest();
      xhr = x;
      x.open("POST", apiUrl("/v1/files"));
      if (token) x.setRequestHeader("Authorization", `Bearer ${token}`);
      x.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
      x.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(x.responseText);
        } catch {
          /* not JSON */
        }
        resolve({ status: x.status, statusText: x.statusText, body });
      };
      x.onerror = () => reject(new ApiError(0, "network_error", "Network error", "The upload could not reach the server"));
      x.onabort = () => reject(abortedError());
      x.send(form);
    });

  const promise = (async () => {
    const token = await getToken();
    let r = await attempt(token);
    if (r.status === 401 && token) {
      const fresh = await refreshToken();
      if (fresh) r = await attempt(fresh);
    }
    if (r.status >= 200 && r.status < 300) return r.body as FileView;
    throw problemFrom(r.status, r.statusText, r.body);
  })();

  return {
    promise,
    abort() {
      aborted = true;
      xhr?.abort();
    },
  };
}

// ---- profile and rooms ----------------------------------------------------------------------

export function setAvatar(fileId: string | null): Promise<User> {
  return apiJson<User>("PATCH", "/v1/me", { avatar_file_id: fileId });
}

export function setRoomLogo(roomId: string, fileId: string | null): Promise<Room> {
  return apiJson<Room>("PATCH", `/v1/rooms/${roomId}`, { logo_file_id: fileId });
}

// ---- notes ----------------------------------------------------------------------------------

export function notesQueryString(q: NoteQuery): string {
  const p = new URLSearchParams();
  if (q.q) p.set("q", q.q);
  if (q.room_id) p.set("room_id", q.room_id);
  if (q.mine) p.set("mine", "true");
  if (q.cursor) p.set("cursor", q.cursor);
  if (q.limit) p.set("limit", String(q.limit));
  const s = p.toString();
  return s ? `?${s}` : "";
}

export const listNotes = (q: NoteQuery) => apiJson<NotePage>("GET", `/v1/notes${notesQueryString(q)}`);
export const getNote = (id: string) => apiJson<NoteView>("GET", `/v1/notes/${id}`);
export const createNote = (body: CreateNote) => apiJson<NoteView>("POST", "/v1/notes", body);
export const updateNote = (id: string, body: UpdateNote) => apiJson<NoteView>("PATCH", `/v1/notes/${id}`, body);
export const deleteNote = (id: string) => apiJson<void>("DELETE", `/v1/notes/${id}`);
