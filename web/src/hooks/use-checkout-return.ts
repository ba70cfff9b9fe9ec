"use client";
import { useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef } from "react";
import { checkoutReturn } from "@/lib/payments";
import { usePayment } from "./queries/payments";
import { useSubscriptions } from "./queries/subscriptions";

export type ReturnPhase = "processing" | "succeeded" | "failed" | "canceled";

/**
 * Back from Stripe's Checkout (`?payment_id=` or `?subscription_id=`, `&canceled=1`): polls
 * the payment (or my subscriptions) until settled, then calls `onSettled` once.
 */
export function useCheckoutReturn(onSettled?: (ok: boolean) => void) {
  const params = useSearchParams();
  const ret = useMemo(() => checkoutReturn(params), [params]);
  const waiting = ret && !ret.canceled;
  const payment = usePayment(waiting ? ret.paymentId : null);
  const subs = useSubscriptions(waiting ? ret.subscriptionId : null);
  let phase: ReturnPhase | null = null;
  if (ret) {
    if (ret.canceled) phase = "canceled";
    else if (ret.paymentId) {
      const s = payment.data?.status;
      phase = !s || s === "pending" ? "processing" : s === "failed" ? "failed" : "succeeded";
    } else {
      const s = subs.data?.find((x) => x.id === ret.subscriptionId)?.status;
      phase = !s || s === "incomplete" ? "processing" : s === "incomplete_expired" ? "failed" : "succeeded";
    }
  }
  const settledCb = useRef(onSettled);
  settledCb.current = onSettled;
  const reported = useRef(false);
  useEffect(() => {
    if (reported.current || (phase !== "succeeded" && phase !== "failed")) return;
    reported.current = true;
    settledCb.current?.(phase === "succeeded");
  }, [phase]);
  return { ret, phase };
}
