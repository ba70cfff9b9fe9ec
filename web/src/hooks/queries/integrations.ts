"use client";
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import type { Integration, IntegrationList, SessionExport } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import { exportPollInterval, NOTION } from "@/lib/integrations";

export const integrationsKey = ["integrations"] as const;
export const exportKey = (id: string) => ["exports", id] as const;

/** What I have connected (Notion is always listed); asked again whenever shown. */
export function useIntegrations() {
  const { user } = useAuth();
  return useQuery({
    queryKey: [...integrationsKey, user?.id ?? null],
    queryFn: () => unwrap(api.GET("/v1/integrations")),
    staleTime: 0,
  });
}

/** Notion's entry replaced in the cached list at once (then the list is asked again). */
function storeNotion(qc: QueryClient, next: Integration) {
  qc.setQueriesData<IntegrationList>({ queryKey: integrationsKey }, (d) =>
    d ? { items: [...d.items.filter((i) => i.provider !== NOTION), next] } : d,
  );
  void qc.invalidateQueries({ queryKey: integrationsKey });
}

/**
 * Where Notion's consent page is, for this user (the API signs who asks into it). The caller
 * sends the browser there; Notion then sends it back to `/connections?notion=…`.
 * 503 `unavailable` when no Notion OAuth app is set up: then only a pasted token works.
 */
export function useNotionAuthorize() {
  return useMutation({
    mutationFn: async () =>
      (await unwrap(api.GET("/v1/integrations/notion/authorize", { headers: { Accept: "application/json" } }))).url,
  });
}

/** Connect Notion with a pasted token (422 `invalid` when Notion refuses it). */
export function useConnectNotionToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => unwrap(api.PUT("/v1/integrations/notion/token", { body: { token } })),
    onSuccess: (i) => storeNotion(qc, i),
  });
}

/** Disconnect Notion: the API forgets its tokens (pages already exported stay in Notion). */
export function useDisconnectNotion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/integrations/notion")),
    onSuccess: () => storeNotion(qc, { provider: NOTION, status: "disconnected" }),
  });
}

/**
 * Export a session's record to my Notion (202, queued); follow it with `useExport`. Again
 * later: the same page is filled anew. 409 `integration_not_connected` when not connected.
 */
export function useStartExport(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (parentPageId?: string) =>
      unwrap(
        api.POST("/v1/sessions/{session_id}/exports", {
          params: { path: { session_id: sessionId } },
          body: { target: NOTION, parent_page_id: parentPageId || undefined },
        }),
      ),
    // The answer is the export's state now: shown at once, and polled from there.
    onSuccess: (e) => qc.setQueryData<SessionExport>(exportKey(e.id), e),
  });
}

/** My exports of a session (at most one per target): where an earlier export stands. */
export function useSessionExports(sessionId: string) {
  return useQuery({
    queryKey: ["sessions", sessionId, "exports"],
    queryFn: async () =>
      (await unwrap(api.GET("/v1/sessions/{session_id}/exports", { params: { path: { session_id: sessionId } } }))).items,
    staleTime: 0,
  });
}

/** One of my exports, asked about every second while queued or running. */
export function useExport(id: string | null) {
  return useQuery({
    queryKey: exportKey(id ?? ""),
    queryFn: () => unwrap(api.GET("/v1/exports/{export_id}", { params: { path: { export_id: id! } } })),
    enabled: Boolean(id),
    staleTime: 0,
    refetchInterval: (q) => exportPollInterval(q.state.data),
  });
}
