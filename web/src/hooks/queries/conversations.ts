"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import { useAuth } from "@/lib/auth/context";

export const conversationsKey = ["conversations"] as const;

export function useConversations() {
  const { signedIn } = useAuth();
  return useQuery({
    queryKey: conversationsKey,
    queryFn: () => unwrap(api.GET("/v1/conversations")),
    enabled: signedIn,
    staleTime: 15_000,
    // Rooms others add me to (a new DM, an invite) send nothing to my socket yet.
    refetchInterval: 30_000,
  });
}

export function useStartDm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => unwrap(api.POST("/v1/dms", { body: { user_id: userId } })),
    onSuccess: (room) => {
      qc.setQueryData(["rooms", room.id], room);
      void qc.invalidateQueries({ queryKey: conversationsKey });
    },
  });
}
