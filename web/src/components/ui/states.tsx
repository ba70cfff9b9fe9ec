import { MessageCircle } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils";
import { Button } from "./button";

export function Spinner({ className }: { className?: string }) {
  return (
    <span
      role="status"
      aria-label="Loading"
      className={cn("inline-block h-5 w-5 animate-spin rounded-full border-2 border-muted-foreground/30 border-t-primary", className)}
    />
  );
}

export function Loading({ label = "Loading…", className }: { label?: string; className?: string }) {
  return (
    <div data-testid="loading" className={cn("flex items-center justify-center gap-3 p-8 text-sm text-muted-foreground", className)}>
      <Spinner /> {label}
    </div>
  );
}

export function Skeleton({ className, style }: { className?: string; style?: React.CSSProperties }) {
  return <div className={cn("animate-pulse rounded-md bg-muted", className)} style={style} />;
}

export function EmptyState({
  icon = <MessageCircle />,
  title,
  children,
  className,
}: {
  /** An icon element (lucide-react), drawn large and muted. */
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  className?: string;
}) {
  return (
    <div data-testid="empty-state" className={cn("flex flex-col items-center justify-center gap-2 p-10 text-center", className)}>
      <div className="text-muted-foreground [&_svg]:size-10" aria-hidden>
        {icon}
      </div>
      <p className="font-medium">{title}</p>
      {children && <div className="text-sm text-muted-foreground">{children}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry, className }: { error: string; onRetry?: () => void; className?: string }) {
  return (
    <div
      data-testid="error-state"
      role="alert"
      className={cn("flex flex-col items-center gap-3 rounded-xl border border-red-500/30 bg-red-500/5 p-6 text-center", className)}
    >
      <p className="text-sm text-red-700 dark:text-red-400">{error}</p>
      {onRetry && (
        <Button size="sm" variant="outline" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
