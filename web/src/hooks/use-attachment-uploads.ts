"use client";
import { useCallback, useEffect, useReducer, useRef } from "react";
import { ApiError } from "@/lib/api/client";
import { deleteFile, uploadFile, type UploadHandle } from "@/lib/api/files";
import { precheckUpload, uploadErrorMessage } from "@/lib/files/format";
import { uploadsReducer, type UploadAction, type UploadItem } from "@/lib/files/upload-queue";
import { newId } from "@/lib/utils";

/**
 * The composer's attachments: each file starts uploading as soon as it is added, with
 * progress; removing one cancels its upload, or deletes it if it had finished. Uploads
 * that were never sent are deleted when the composer goes away.
 */
export function useAttachmentUploads() {
  const [items, dispatchState] = useReducer(uploadsReducer, []);
  const handles = useRef(new Map<string, UploadHandle>());
  // The same reduction, synchronously: callbacks decide on it before React renders.
  const itemsRef = useRef<UploadItem[]>(items);
  const dispatch = useCallback((a: UploadAction) => {
    itemsRef.current = uploadsReducer(itemsRef.current, a);
    dispatchState(a);
  }, []);

  const addFiles = useCallback((files: Iterable<File>) => {
    for (const file of files) {
      const key = newId();
      const refused = precheckUpload(file, "attachment");
      dispatch({ type: "add", key, name: file.name, size: file.size, fileType: file.type, error: refused ?? undefined });
      // The reducer may refuse it too (too many files): only start what it keeps as uploading.
      if (itemsRef.current.find((i) => i.key === key)?.status !== "uploading") continue;
      let lastTick = 0;
      const h = uploadFile(file, {
        purpose: "attachment",
        onProgress: (loaded) => {
          const now = Date.now();
          if (now - lastTick < 100 && loaded < file.size) return;
          lastTick = now;
          dispatch({ type: "progress", key, loaded });
        },
      });
      handles.current.set(key, h);
      h.promise.then(
        (view) => {
          handles.current.delete(key);
          // Removed while the last bytes were on their way: the server has it, delete it.
          if (!itemsRef.current.some((i) => i.key === key)) void deleteFile(view.id).catch(() => undefined);
          else dispatch({ type: "uploaded", key, fileId: view.id });
        },
        (e: unknown) => {
          handles.current.delete(key);
          if (e instanceof ApiError && e.code === "aborted") return;
          dispatch({ type: "failed", key, error: uploadErrorMessage(file.name, e, "attachment") });
        },
      );
    }
  }, [dispatch]);

  const remove = useCallback((key: string) => {
    const item = itemsRef.current.find((i) => i.key === key);
    handles.current.get(key)?.abort();
    handles.current.delete(key);
    if (item?.status === "uploaded" && item.fileId) void deleteFile(item.fileId).catch(() => undefined);
    // A late success then sees it gone (and deletes the file).
    dispatch({ type: "remove", key });
  }, [dispatch]);

  /** The message was handed over with these files: clear them from the tray. */
  const markSent = useCallback(() => dispatch({ type: "sent" }), [dispatch]);

  useEffect(() => {
    const hs = handles.current;
    return () => {
      for (const h of hs.values()) h.abort();
      hs.clear();
      for (const i of itemsRef.current) if (i.status === "uploaded" && i.fileId) void deleteFile(i.fileId).catch(() => undefined);
    };
  }, []);

  return { items, addFiles, remove, markSent };
}
