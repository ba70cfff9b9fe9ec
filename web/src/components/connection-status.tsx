"use client";
import { cn } from "@/lib/utils";
import { useRealtimeOptional } from "@/lib/realtime/provider";

const label = { idle: "Idle", connecting: "Connecting…", open: "Live", reconnecting: "Reconnecting…", offline: "Offline" };

export function ConnectionStatus({ className }: { className?: string }) {
  const status = useRealtimeOptional()?.status ?? "idle";
  return (
    <span
      data-testid="connection-status"
      data-status={status}
      role="status"
      className={cn("inline-flex items-center gap-1.5 text-xs text-muted-foreground", className)}
    >
      <span
        className={cn(
          "h-2 w-2 rounded-full",
          status === "open" ? "bg-emerald-500" : status === "offline" ? "bg-red-500" : "bg-amber-500 animate-pulse",
        )}
      />
      {label[status]}
    </span>
  );
}
