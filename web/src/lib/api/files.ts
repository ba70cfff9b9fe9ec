// Files, message attachments, avatars, room logos and study notes. Types come from the
// generated schema (see ./types). JSON calls go through the typed client; uploads use
// XMLHttpRequest (for progress and cancel) and downloads fetch the bytes as a blob, both
// with the same bearer token and one retry after a 401.
import { API_URL } from "../env";
import { ApiError, api, getToken, refreshToken, unwrap } from "./client";
import type { Attachment, AvatarUser, CreateNote, FilePurpose, FileView, Me, Message, NoteQuery, Room, UpdateNote } from "./types";

// ---- fields of messages, users and rooms ---------------------------------------------------

/** A message's attachments (none on a deleted message). */
export function attachmentsOf(m: Message | null | undefined): Attachment[] {
  return m && !m.deleted ? (m.attachments ?? []) : [];
}

export function avatarFileId(u: Pick<AvatarUser, "avatar_file_id"> | null | undefined): string | null {
  return u?.avatar_file_id || null;
}

export function logoFileId(r: Room | null | undefined): string | null {
  return r?.logo_file_id || null;
}

// ---- plain fetch with the bearer token ----------------------------------------------------

/** An absolute URL for an API path (paths the API hands out, like thumbnail_url, included). */
export function apiUrl(path: string): string {
  return /^https?:\/\//.test(path) ? path : `${API_URL}${path.startsWith("/") ? "" : "/"}${path}`;
}

function problemFrom(status: number, statusText: string, body: unknown): ApiError {
  const p = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return new ApiError(status, str(p.code), str(p.title) ?? (statusText || `HTTP ${status}`), str(p.detail), str(p.decline_code));
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
  return unwrap(api.DELETE("/v1/files/{file_id}", { params: { path: { file_id: id } } })).then(() => undefined);
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

export function setAvatar(fileId: string | null): Promise<Me> {
  return unwrap(api.PATCH("/v1/me", { body: { avatar_file_id: fileId } }));
}

export function setRoomLogo(roomId: string, fileId: string | null): Promise<Room> {
  return unwrap(api.PATCH("/v1/rooms/{room_id}", { params: { path: { room_id: roomId } }, body: { logo_file_id: fileId } }));
}

// ---- notes ----------------------------------------------------------------------------------

/** The list query with empty values left out (an empty q, mine: false, no cursor). */
export function notesQuery(q: NoteQuery): NoteQuery {
  return {
    q: q.q || undefined,
    room_id: q.room_id || undefined,
    mine: q.mine || undefined,
    cursor: q.cursor || undefined,
    limit: q.limit || undefined,
  };
}

export const listNotes = (q: NoteQuery) => unwrap(api.GET("/v1/notes", { params: { query: notesQuery(q) } }));
export const getNote = (id: string) => unwrap(api.GET("/v1/notes/{note_id}", { params: { path: { note_id: id } } }));
export const createNote = (body: CreateNote) => unwrap(api.POST("/v1/notes", { body }));
export const updateNote = (id: string, body: UpdateNote) =>
  unwrap(api.PATCH("/v1/notes/{note_id}", { params: { path: { note_id: id } }, body }));
export const deleteNote = (id: string): Promise<void> =>
  unwrap(api.DELETE("/v1/notes/{note_id}", { params: { path: { note_id: id } } })).then(() => undefined);
