"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, unwrap } from "@/lib/api/client";
import type { Payment, PaymentPage, Started } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import { isSettled } from "@/lib/payments";

export const payoutAccountKey = ["payouts", "account"] as const;
export const earningsKey = ["payouts", "earnings"] as const;
export const paymentHistoryKey = ["payments", "history"] as const;
export const paymentsReceivedKey = ["payments", "received"] as const;
export const paymentKey = (id: string) => ["payments", "one", id] as const;

/** Stripe's hosted pages (Checkout, onboarding, the billing portal) open in this tab. */
export function openHosted(url: string) {
  window.location.assign(url);
}

/** My payout account; null before onboarding started (the API answers 404). */
export function usePayoutAccount(options: { poll?: boolean } = {}) {
  const { signedIn, user } = useAuth();
  return useQuery({
    queryKey: [...payoutAccountKey, user?.id ?? null],
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/v1/payouts/account"));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    enabled: signedIn,
    staleTime: 30_000,
    // Back from onboarding: Stripe's account.updated webhook lands a moment later.
    refetchInterval: (q) => (options.poll && !q.state.data?.charges_enabled ? 1000 : false),
  });
}

/** Creates the account on first use; the answer's onboarding_url is opened right away. */
export function useStartOnboarding() {
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/payouts/account")),
    onSuccess: (v) => openHosted(v.onboarding_url),
  });
}

export function useEarnings() {
  return useQuery({
    queryKey: earningsKey,
    queryFn: () => unwrap(api.GET("/v1/payouts/earnings")),
  });
}

const HISTORY_PAGE = 20;

/** What I paid, newest first. */
export function usePaymentHistory() {
  return useInfiniteQuery({
    queryKey: paymentHistoryKey,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/payments/history", { params: { query: { cursor: pageParam ?? undefined, limit: HISTORY_PAGE } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** What fans paid me, newest first (refundable from the earnings page). */
export function usePaymentsReceived() {
  return useInfiniteQuery({
    queryKey: paymentsReceivedKey,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/payments/history", { params: { query: { role: "payee", cursor: pageParam ?? undefined, limit: HISTORY_PAGE } } }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** A payment as it now is, wherever a list shows it. */
function replacePayment(data: { pages: PaymentPage[]; pageParams: unknown[] } | undefined, p: Payment) {
  if (!data) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((x) => (x.id === p.id ? p : x)) })) };
}

/** One payment, polled every second until Stripe settled it (a return from Checkout). */
export function usePayment(id: string | null) {
  return useQuery({
    queryKey: paymentKey(id ?? ""),
    queryFn: () => unwrap(api.GET("/v1/payments/{payment_id}", { params: { path: { payment_id: id! } } })),
    enabled: Boolean(id),
    refetchInterval: (q) => (isSettled(q.state.data) ? false : 1000),
  });
}

/** Refund a payment I received, in whole (no amount) or in part; the row shows the answer. */
export function useRefund() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; amount?: number }) =>
      unwrap(api.POST("/v1/payments/{payment_id}/refund", { params: { path: { payment_id: v.id } }, body: { amount: v.amount } })),
    onSuccess: (p) => {
      qc.setQueryData(paymentKey(p.id), p);
      qc.setQueryData(paymentsReceivedKey, (d: { pages: PaymentPage[]; pageParams: unknown[] } | undefined) => replacePayment(d, p));
      void qc.invalidateQueries({ queryKey: earningsKey });
    },
  });
}

/** Unlock a pay-per-view message: pay at Checkout, which sends the browser back to the room. */
export function useUnlock() {
  return useMutation({
    mutationFn: (messageId: string) =>
      unwrap(api.POST("/v1/messages/{message_id}/unlock", { params: { path: { message_id: messageId } } })),
    onSuccess: (v: Started) => openHosted(v.checkout_url),
  });
}
