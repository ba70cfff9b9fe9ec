"use client";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";

export function useUserSearch(q: string) {
  return useQuery({
    queryKey: ["users", "list", q],
    queryFn: () => unwrap(api.GET("/v1/users", { params: { query: { q: q || undefined, limit: 20 } } })),
    staleTime: 30_000,
  });
}

export function useUser(id: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ["users", id],
    queryFn: () => unwrap(api.GET("/v1/users/{user_id}", { params: { path: { user_id: id! } } })),
    enabled: Boolean(id) && enabled,
    staleTime: 5 * 60_000,
  });
}
