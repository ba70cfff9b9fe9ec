"use client";
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import { publicProfile } from "@/lib/api/profiles";
import type { Me, UpdateMe } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";

export const meKey = ["me"] as const;

export function useMe() {
  const { signedIn, user } = useAuth();
  return useQuery({
    // The auth user id is part of the key so switching dev users never shows stale data.
    queryKey: [...meKey, user?.id ?? null],
    queryFn: () => unwrap(api.GET("/v1/me")),
    enabled: signedIn,
    staleTime: 60_000,
  });
}

/** My profile as the API now answers it; others' views of me get its public part only. */
export function storeMe(qc: QueryClient, me: Me) {
  qc.setQueriesData({ queryKey: meKey }, me);
  qc.setQueryData(["users", me.id], publicProfile(me));
}

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMe) => unwrap(api.PATCH("/v1/me", { body })),
    onSuccess: (me: Me) => storeMe(qc, me),
  });
}
