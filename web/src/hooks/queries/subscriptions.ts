"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import { fetchAllPages } from "@/lib/api/pages";
import type { Subscription } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import { openHosted } from "./payments";

export const subscriptionsKey = ["subscriptions"] as const;

/** Every one of my subscriptions (the API pages them), newest first. */
export function fetchMySubscriptions(): Promise<Subscription[]> {
  return fetchAllPages((cursor) => unwrap(api.GET("/v1/subscriptions", { params: { query: { cursor: cursor ?? undefined, limit: 100 } } })));
}

/**
 * My subscriptions, newest first. `waitFor`: a subscription just paid at Checkout, polled
 * every second until Stripe's webhook moved it past `incomplete`.
 */
export function useSubscriptions(waitFor?: string | null) {
  const { signedIn, user } = useAuth();
  return useQuery({
    queryKey: [...subscriptionsKey, user?.id ?? null],
    queryFn: fetchMySubscriptions,
    enabled: signedIn,
    refetchInterval: (q) => {
      if (!waitFor) return false;
      const s = q.state.data?.find((x: Subscription) => x.id === waitFor);
      return s && s.status !== "incomplete" ? false : 1000;
    },
  });
}

export function useCancelSubscription() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/v1/subscriptions/{subscription_id}/cancel", { params: { path: { subscription_id: id } } })),
    // The answer is the subscription as it now is (ending at the period's end). No refetch:
    // the list stores the change only once Stripe's event comes back, a moment later.
    onSuccess: (sub) => {
      qc.setQueriesData<Subscription[]>({ queryKey: subscriptionsKey }, (d) => d?.map((x) => (x.id === sub.id ? sub : x)));
    },
  });
}

/** Stripe's billing portal for a subscription (cards, invoices), opened in this tab. */
export function usePortal() {
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/v1/subscriptions/{subscription_id}/portal", { params: { path: { subscription_id: id } } })),
    onSuccess: (v) => openHosted(v.url),
  });
}
