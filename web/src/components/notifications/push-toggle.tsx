"use client";
import { useEffect, useState } from "react";
import { errorMessage } from "@/lib/api/client";
import { disablePush, enablePush, pushState, type PushState } from "@/lib/push";
import { cn } from "@/lib/utils";

const statusText: Record<PushState, string> = {
  unsupported: "This browser cannot show notifications from Parley.",
  blocked: "Notifications are blocked for this site: allow them in the browser's site settings.",
  off: "Off on this device.",
  on: "On: this device shows Parley notifications when the app is in the background.",
};

/** "Browser notifications": permission, service worker and push subscription in one switch. */
export function PushToggle() {
  const [state, setState] = useState<PushState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    pushState()
      .then((s) => live && setState(s))
      .catch(() => live && setState("off"));
    return () => {
      live = false;
    };
  }, []);

  async function toggle() {
    if (!state || busy) return;
    setBusy(true);
    setError(null);
    try {
      if (state === "on") await disablePush();
      else await enablePush();
    } catch (e) {
      setError(errorMessage(e));
    }
    setState(await pushState().catch(() => "off" as const));
    setBusy(false);
  }

  const on = state === "on";
  const disabled = !state || busy || state === "unsupported" || state === "blocked";
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-center justify-between gap-4">
        <div>
          <span className="text-sm font-medium" id="push-label">
            Browser notifications
          </span>
          <p className="text-xs text-muted-foreground" data-testid="push-status" data-state={state ?? undefined}>
            {busy ? "Working…" : state ? statusText[state] : "Checking…"}
          </p>
        </div>
        <button
          type="button"
          role="switch"
          aria-checked={on}
          aria-labelledby="push-label"
          data-testid="push-toggle"
          disabled={disabled}
          onClick={() => void toggle()}
          className={cn(
            "relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-50",
            on ? "bg-primary" : "bg-muted-foreground/30",
          )}
        >
          <span className={cn("inline-block size-5 rounded-full bg-white shadow transition-transform", on ? "translate-x-5" : "translate-x-0.5")} />
        </button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
