"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import { fetchAllPages } from "@/lib/api/pages";
import type { CreateTier, CreatorProfile, Started, SubscribeStarted, TipRequest, UpdateTier } from "@/lib/api/types";
import { openHosted } from "./payments";

export const creatorKey = (id: string) => ["creators", id] as const;
export const myTiersKey = ["creators", "me", "tiers"] as const;

export function useCreator(id: string | undefined, enabled = true) {
  return useQuery({
    queryKey: creatorKey(id ?? ""),
    queryFn: () => unwrap(api.GET("/v1/creators/{user_id}", { params: { path: { user_id: id! } } })),
    enabled: Boolean(id) && enabled,
    staleTime: 30_000,
  });
}

/** All my tiers, inactive ones too, oldest first (every page of them). */
export function useMyTiers(enabled = true) {
  return useQuery({
    queryKey: myTiersKey,
    queryFn: () => fetchAllPages((cursor) => unwrap(api.GET("/v1/creators/me/tiers", { params: { query: { cursor: cursor ?? undefined, limit: 100 } } }))),
    enabled,
  });
}

function useCreatorRefresh() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ["creators"] });
  };
}

export function useUpdateCreatorProfile() {
  const refresh = useCreatorRefresh();
  return useMutation({
    mutationFn: (body: CreatorProfile) => unwrap(api.PUT("/v1/creators/me", { body })),
    onSuccess: () => refresh(),
  });
}

export function useCreateTier() {
  const refresh = useCreatorRefresh();
  return useMutation({
    mutationFn: (body: CreateTier) => unwrap(api.POST("/v1/creators/me/tiers", { body })),
    onSuccess: () => refresh(),
  });
}

export function useUpdateTier() {
  const refresh = useCreatorRefresh();
  return useMutation({
    mutationFn: (v: { id: string; body: UpdateTier }) =>
      unwrap(api.PATCH("/v1/creators/me/tiers/{tier_id}", { params: { path: { tier_id: v.id } }, body: v.body })),
    onSuccess: () => refresh(),
  });
}

/** Subscribe to a tier: pay at Checkout, which sends the browser back to the creator's page. */
export function useSubscribe(creatorId: string) {
  return useMutation({
    mutationFn: (tierId: string) =>
      unwrap(api.POST("/v1/creators/{user_id}/subscribe", { params: { path: { user_id: creatorId } }, body: { tier_id: tierId } })),
    onSuccess: (v: SubscribeStarted) => openHosted(v.checkout_url),
  });
}

/** Tip a creator (in a room when `room_id` is set): pay at Checkout, which sends the browser back. */
export function useTip(creatorId: string) {
  return useMutation({
    mutationFn: (body: TipRequest) =>
      unwrap(api.POST("/v1/creators/{user_id}/tips", { params: { path: { user_id: creatorId } }, body })),
    onSuccess: (v: Started) => openHosted(v.checkout_url),
  });
}
