"use client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ApiError } from "@/lib/api/client";
import { fetchBlob } from "@/lib/api/files";
import { useAuth } from "@/lib/auth/context";

/**
 * The bytes behind an API path that redirects to a signed URL (…/download, …/thumbnail),
 * fetched with the bearer token (an <img src> cannot send it) and kept in memory per path:
 * a file's bytes never change, so each is fetched once while it is shown.
 */
export function useFileBlob(path: string | null) {
  // Per signed-in user: what one may see says nothing about the next one in this tab.
  const { user } = useAuth();
  return useQuery({
    queryKey: ["file-blob", user?.id ?? null, path],
    queryFn: ({ signal }) => fetchBlob(path!, signal),
    enabled: Boolean(path),
    staleTime: Infinity,
    gcTime: 10 * 60_000,
    refetchOnWindowFocus: false,
    // A missing thumbnail (404) or a file one may not see (404, 403) will not come back.
    retry: (n, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && n < 2,
  });
}

/** An object URL for a blob, revoked when the blob changes or the component unmounts. */
export function useObjectUrl(blob: Blob | undefined | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) {
      setUrl(null);
      return;
    }
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url;
}

/** useFileBlob + useObjectUrl: a URL an <img> can show, or null while loading / on error. */
export function useFileUrl(path: string | null) {
  const q = useFileBlob(path);
  const url = useObjectUrl(q.data);
  return { url, isError: q.isError, error: q.error, isPending: Boolean(path) && q.isPending };
}
