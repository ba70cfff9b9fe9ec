"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import type { UpdateMe, User } from "@/lib/api/types";
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

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMe) => unwrap(api.PATCH("/v1/me", { body })),
    onSuccess: (user: User) => {
      qc.setQueriesData({ queryKey: meKey }, user);
      qc.setQueryData(["users", user.id], user);
    },
  });
}
