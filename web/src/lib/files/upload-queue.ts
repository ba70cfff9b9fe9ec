// The composer's attachments as a pure reducer: each file uploads at once; the message may
// be sent once none is in flight, with the ids of those that made it.

/** The most attachments one message may carry (the API's limit). */
export const MAX_ATTACHMENTS = 10;

export interface UploadItem {
  /** Local key (the file id is only known once uploaded). */
  key: string;
  name: string;
  size: number;
  /** The browser's guess; the server decides from the bytes. */
  type: string;
  status: "uploading" | "uploaded" | "failed";
  /** Bytes sent so far. */
  loaded: number;
  fileId?: string;
  error?: string;
}

export type UploadAction =
  /** `error`: refused before sending (too large, too many); shown as failed. */
  | { type: "add"; key: string; name: string; size: number; fileType: string; error?: string }
  | { type: "progress"; key: string; loaded: number }
  | { type: "uploaded"; key: string; fileId: string }
  | { type: "failed"; key: string; error: string }
  | { type: "remove"; key: string }
  /** The message went: what it carried leaves the tray (failures stay until dismissed). */
  | { type: "sent" };

const counted = (items: UploadItem[]) => items.filter((i) => i.status !== "failed").length;

export function tooManyMessage(name: string) {
  return `${name}: a message can carry at most ${MAX_ATTACHMENTS} files`;
}

export function uploadsReducer(items: UploadItem[], a: UploadAction): UploadItem[] {
  switch (a.type) {
    case "add": {
      if (items.some((i) => i.key === a.key)) return items;
      const error = a.error ?? (counted(items) >= MAX_ATTACHMENTS ? tooManyMessage(a.name) : undefined);
      const item: UploadItem = {
        key: a.key,
        name: a.name,
        size: a.size,
        type: a.fileType,
        status: error ? "failed" : "uploading",
        loaded: 0,
        ...(error ? { error } : {}),
      };
      return [...items, item];
    }
    case "progress":
      return items.map((i) =>
        i.key === a.key && i.status === "uploading" ? { ...i, loaded: Math.min(i.size, Math.max(i.loaded, a.loaded)) } : i,
      );
    case "uploaded":
      return items.map((i) => (i.key === a.key && i.status === "uploading" ? { ...i, status: "uploaded", loaded: i.size, fileId: a.fileId } : i));
    case "failed":
      return items.map((i) => (i.key === a.key && i.status === "uploading" ? { ...i, status: "failed", error: a.error } : i));
    case "remove":
      return items.filter((i) => i.key !== a.key);
    case "sent":
      return items.filter((i) => i.status === "failed");
  }
}

/** The uploaded files' ids, in the order they were added. */
export function uploadedIds(items: UploadItem[]): string[] {
  return items.flatMap((i) => (i.status === "uploaded" && i.fileId ? [i.fileId] : []));
}

export function uploadsInFlight(items: UploadItem[]): boolean {
  return items.some((i) => i.status === "uploading");
}

/** 0–100. */
export function uploadPercent(i: UploadItem): number {
  if (i.status === "uploaded") return 100;
  if (i.size <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((i.loaded / i.size) * 100)));
}

/** Text or at least one uploaded file, and nothing still uploading. */
export function canSend(text: string, items: UploadItem[]): boolean {
  if (uploadsInFlight(items)) return false;
  return text.trim().length > 0 || uploadedIds(items).length > 0;
}
