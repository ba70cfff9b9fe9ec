"use client";
import { CheckCircle2, CircleAlert, CircleX, X } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { callbackOutcome, outcomeMessage, withoutOutcome, type CallbackOutcome } from "@/lib/integrations";
import { cn } from "@/lib/utils";

const TONES = {
  success: "border-emerald-500/40 bg-emerald-500/10 text-emerald-800 dark:text-emerald-300",
  warning: "border-amber-500/40 bg-amber-500/10 text-amber-900 dark:text-amber-200",
  error: "border-red-500/40 bg-red-500/10 text-red-800 dark:text-red-300",
} as const;

/**
 * Back from Notion's consent page (`?notion=connected|denied|error`): says how it went,
 * then takes the outcome out of the address (a reload or a bookmark says nothing again).
 * The status region is always there, so screen readers hear the message when it comes.
 */
export function CallbackStatus() {
  const params = useSearchParams();
  const router = useRouter();
  const path = usePathname();
  const [shown, setShown] = useState<CallbackOutcome | null>(null);
  const outcome = callbackOutcome(params);

  useEffect(() => {
    if (!outcome) return;
    setShown(outcome);
    router.replace(`${path}${withoutOutcome(params.toString())}`, { scroll: false });
    // Once per arrival: the outcome is gone from the address after this.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [outcome]);

  const m = shown ? outcomeMessage(shown) : null;
  const Icon = m?.tone === "success" ? CheckCircle2 : m?.tone === "warning" ? CircleAlert : CircleX;
  return (
    // Empty, it takes no room (sr-only) but stays a live region.
    <div role="status" className={m ? undefined : "sr-only"} data-testid="notion-callback-status" data-outcome={shown ?? ""}>
      {m && (
        <div className={cn("flex items-start gap-2 rounded-lg border px-3 py-2 text-sm", TONES[m.tone])}>
          <Icon className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span className="flex-1" data-testid="notion-callback-message">
            {m.text}
          </span>
          <button
            type="button"
            aria-label="Dismiss"
            className="rounded p-0.5 hover:bg-black/5 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring dark:hover:bg-white/10"
            onClick={() => setShown(null)}
          >
            <X className="size-4" aria-hidden />
          </button>
        </div>
      )}
    </div>
  );
}
