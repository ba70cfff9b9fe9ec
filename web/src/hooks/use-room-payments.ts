"use client";
import { useQueryClient } from "@tanstack/react-query";
import type { Message } from "@/lib/api/types";
import { messagesKey } from "./queries/messages";
import { useCheckoutReturn } from "./use-checkout-return";
import { usePayoutAccount, useUnlock } from "./queries/payments";
import { roomTipsKey, useRoomTips } from "./use-room-tips";

/**
 * A room's paid parts: its tips (from the oldest loaded message on, or all), unlocking a locked
 * message, whether I may sell messages, and the return from Checkout (a tip or an unlock),
 * after which the room's messages and tips are read again.
 */
export function useRoomPayments(roomId: string, messages: Message[], loaded: boolean, hasOlder: boolean) {
  const qc = useQueryClient();
  // From the room's start when all of its history is loaded (tips before the first message).
  const fromSeq = !loaded ? null : hasOlder && messages.length ? messages[0].seq : 1;
  const tips = useRoomTips(roomId, fromSeq);
  const account = usePayoutAccount();
  const unlock = useUnlock();
  const checkout = useCheckoutReturn((ok) => {
    if (!ok) return;
    // An unlock: history now has the body for me. A tip: its line is in the log.
    void qc.invalidateQueries({ queryKey: messagesKey(roomId) });
    void qc.invalidateQueries({ queryKey: roomTipsKey(roomId) });
  });
  return {
    tips: tips.data ?? [],
    canSell: Boolean(account.data?.charges_enabled),
    unlock: (m: Message) => unlock.mutate(m.id),
    unlockingId: unlock.isPending || unlock.isSuccess ? unlock.variables : undefined,
    unlockError: unlock.error,
    checkoutPhase: checkout.phase,
  };
}
