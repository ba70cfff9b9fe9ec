"use client";
import { CheckCircle2, CircleX, X } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import type { ReturnPhase } from "@/hooks/use-checkout-return";
import { cn } from "@/lib/utils";
import { Spinner } from "../ui/states";

const TEXT: Record<ReturnPhase, string> = {
  processing: "Payment processing…",
  succeeded: "Payment complete. Thank you!",
  failed: "The payment did not go through.",
  canceled: "Checkout canceled: nothing was charged.",
};

/** The small state shown after Checkout; dismissing it clears the query string. */
export function CheckoutReturnBanner({ phase, successText, className }: { phase: ReturnPhase | null; successText?: string; className?: string }) {
  const router = useRouter();
  const path = usePathname();
  if (!phase) return null;
  const text = phase === "succeeded" && successText ? successText : TEXT[phase];
  return (
    <div
      role="status"
      data-testid="checkout-return"
      data-phase={phase}
      className={cn(
        "flex items-center gap-2 rounded-lg border px-3 py-2 text-sm",
        phase === "succeeded" && "border-emerald-500/40 bg-emerald-500/10 text-emerald-800 dark:text-emerald-300",
        phase === "processing" && "border-border bg-muted",
        (phase === "failed" || phase === "canceled") && "border-amber-500/40 bg-amber-500/10",
        className,
      )}
    >
      {phase === "processing" ? (
        <Spinner className="size-4" />
      ) : phase === "succeeded" ? (
        <CheckCircle2 className="size-4 shrink-0" aria-hidden />
      ) : (
        <CircleX className="size-4 shrink-0" aria-hidden />
      )}
      <span className="flex-1">{text}</span>
      {phase !== "processing" && (
        <button type="button" aria-label="Dismiss" className="rounded p-0.5 hover:bg-muted" onClick={() => router.replace(path)}>
          <X className="size-4" aria-hidden />
        </button>
      )}
    </div>
  );
}
