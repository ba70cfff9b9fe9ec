"use client";
import { HandCoins, Lock } from "lucide-react";
import type { Message } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { tipLine } from "@/lib/payments";
import type { TipReceivedData } from "@/lib/realtime/frames";
import { Button } from "../ui/button";

/** A pay-per-view message I have not bought: its preview, its price and Unlock. */
export function LockedBody({ message: m, mine, onUnlock, unlocking }: { message: Message; mine: boolean; onUnlock?(m: Message): void; unlocking?: boolean }) {
  const price = m.ppv ? formatMoney(m.ppv.amount, m.ppv.currency) : "";
  return (
    <div className="mt-0.5 flex max-w-md flex-col gap-2 rounded-xl border border-dashed border-primary/40 bg-primary/5 p-3" data-testid="message-locked">
      <div className="flex items-center gap-2 text-xs font-medium text-primary">
        <Lock className="size-3.5" aria-hidden /> Pay-per-view · {price}
      </div>
      {m.preview && (
        <p className="whitespace-pre-wrap break-words text-sm" data-testid="message-preview">
          {m.preview}
        </p>
      )}
      {!mine && onUnlock && (
        <Button size="sm" className="self-start" disabled={unlocking} onClick={() => onUnlock(m)} data-testid="message-unlock">
          {unlocking ? "Opening checkout…" : `Unlock for ${price}`}
        </Button>
      )}
    </div>
  );
}

/** An unlocked pay-per-view message (mine, or bought): a small label above the body. */
export function PpvLabel({ message: m }: { message: Message }) {
  if (!m.ppv) return null;
  return (
    <div className="flex items-center gap-1 text-[11px] font-medium text-primary" data-testid="message-ppv-label">
      <Lock className="size-3" aria-hidden /> Pay-per-view · {formatMoney(m.ppv.amount, m.ppv.currency)}
      {m.preview && <span className="truncate font-normal text-muted-foreground">· preview: {m.preview}</span>}
    </div>
  );
}

/** `tip.received` in the message list: "Alice tipped $5.00: thanks!" */
export function TipLine({ tip, fromName }: { tip: TipReceivedData & { seq: number }; fromName: string }) {
  return (
    <div className="my-1 flex items-center justify-center gap-2 px-4 text-xs text-muted-foreground" data-testid="tip-line" data-seq={tip.seq}>
      <HandCoins className="size-3.5 text-amber-500" aria-hidden />
      <span className="rounded-full bg-amber-400/10 px-2 py-0.5 font-medium text-amber-800 dark:text-amber-300">{tipLine(fromName, tip)}</span>
    </div>
  );
}
