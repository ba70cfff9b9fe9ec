"use client";
import { ArrowDown } from "lucide-react";
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import type { Message } from "@/lib/api/types";
import { formatDay } from "@/lib/utils";
import { Button } from "../ui/button";
import { Skeleton, Spinner } from "../ui/states";

/**
 * Scroll container for a chat: starts at the bottom, loads older history near the top
 * while keeping the visible message in place, and follows new messages only when the
 * reader is already at the bottom.
 */
export function MessageList({
  messages,
  renderMessage,
  footer,
  hasOlder,
  loadingOlder,
  onLoadOlder,
  newDividerAfterSeq,
  onAtBottomChange,
  pendingCount = 0,
  focusSeq = null,
  interludes = [],
}: {
  /** Lines between messages at their place in the room's log (tips), by seq. */
  interludes?: { seq: number; key: string; node: ReactNode }[];
  /** Scroll this message into view once it is rendered (a link to it). */
  focusSeq?: number | null;
  /** Number of my unsent messages; a new one scrolls to the bottom. */
  pendingCount?: number;
  messages: Message[];
  renderMessage(m: Message, prev: Message | undefined): ReactNode;
  footer?: ReactNode;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  newDividerAfterSeq: number | null;
  onAtBottomChange?(atBottom: boolean): void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [showJump, setShowJump] = useState(false);
  const prevFirst = useRef<string | undefined>(undefined);
  const prevHeight = useRef(0);
  const prevLast = useRef<string | undefined>(undefined);
  const prevPending = useRef(0);

  const scrollToBottom = useCallback(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
    setShowJump(false);
  }, []);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const first = messages[0]?.id;
    const last = messages[messages.length - 1]?.id;
    if (prevFirst.current && first !== prevFirst.current && last === prevLast.current) {
      // Older page prepended: keep what the reader was looking at still.
      el.scrollTop += el.scrollHeight - prevHeight.current;
    } else if (atBottom.current || prevLast.current === undefined || pendingCount > prevPending.current) {
      el.scrollTop = el.scrollHeight;
    } else if (last !== prevLast.current) {
      setShowJump(true);
    }
    prevFirst.current = first;
    prevLast.current = last;
    prevHeight.current = el.scrollHeight;
    prevPending.current = pendingCount;
  }, [messages, pendingCount]);

  // After the effect above (which may have pinned the bottom): bring the linked message into view.
  const focused = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || focusSeq === null || focused.current === focusSeq) return;
    const row = el.querySelector<HTMLElement>(`[data-seq="${focusSeq}"]`);
    if (!row) return;
    focused.current = focusSeq;
    row.scrollIntoView({ block: "center" });
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    prevHeight.current = el.scrollHeight;
  }, [focusSeq, messages]);

  useEffect(() => {
    // Content that grows after layout (footer, images) should not unstick the bottom.
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el.firstElementChild ?? el);
    return () => ro.disconnect();
  }, []);

  function onScroll() {
    const el = box.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (bottom !== atBottom.current) onAtBottomChange?.(bottom);
    atBottom.current = bottom;
    if (bottom) setShowJump(false);
    if (el.scrollTop < 200 && hasOlder && !loadingOlder) onLoadOlder();
    prevHeight.current = el.scrollHeight;
  }

  return (
    <div className="relative min-h-0 flex-1">
      <div ref={box} onScroll={onScroll} className="h-full overflow-y-auto overscroll-contain" data-testid="message-list" tabIndex={0} aria-label="Messages" role="log" aria-live="polite">
        <div className="flex min-h-full flex-col justify-end pb-2">
          {hasOlder ? (
            <div className="flex justify-center p-3">
              {loadingOlder ? (
                <Spinner />
              ) : (
                <Button size="sm" variant="ghost" onClick={onLoadOlder} data-testid="load-older">
                  Load older messages
                </Button>
              )}
            </div>
          ) : (
            messages.length > 0 && <p className="p-4 text-center text-xs text-muted-foreground">This is the beginning of the conversation.</p>
          )}
          {messages.map((m, i) => {
            const prev = messages[i - 1];
            const before = interludes.filter((x) => x.seq < m.seq && (!prev || x.seq > prev.seq));
            const newDay = !prev || new Date(prev.created_at).toDateString() !== new Date(m.created_at).toDateString();
            const divider = newDividerAfterSeq !== null && m.seq > newDividerAfterSeq && (!prev || prev.seq <= newDividerAfterSeq);
            return (
              <Fragment key={m.id}>
                {newDay && (
                  <div className="my-3 flex items-center gap-3 px-4 text-[11px] font-medium text-muted-foreground">
                    <span className="h-px flex-1 bg-border" />
                    {formatDay(m.created_at)}
                    <span className="h-px flex-1 bg-border" />
                  </div>
                )}
                {divider && (
                  <div className="my-2 flex items-center gap-3 px-4 text-[11px] font-semibold text-red-700 dark:text-red-400" data-testid="new-messages-divider">
                    <span className="h-px flex-1 bg-red-500/50" />
                    New
                  </div>
                )}
                {before.map((x) => (
                  <Fragment key={x.key}>{x.node}</Fragment>
                ))}
                {renderMessage(m, newDay || divider || before.length > 0 ? undefined : prev)}
              </Fragment>
            );
          })}
          {interludes
            .filter((x) => !messages.length || x.seq > messages[messages.length - 1].seq)
            .map((x) => (
              <Fragment key={x.key}>{x.node}</Fragment>
            ))}
          {footer}
        </div>
      </div>
      {showJump && (
        <Button size="sm" className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full shadow-lg" onClick={scrollToBottom} data-testid="jump-to-latest">
          <ArrowDown className="size-3.5" aria-hidden />
          New messages
        </Button>
      )}
    </div>
  );
}

/** Placeholder rows while the first page of messages loads. */
export function MessagesSkeleton() {
  return (
    <div className="flex flex-1 flex-col justify-end gap-4 p-4">
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="flex gap-3">
          <Skeleton className="h-8 w-8 rounded-full" />
          <div className="flex flex-1 flex-col gap-1.5">
            <Skeleton className="h-3 w-24" />
            <Skeleton className="h-4" style={{ width: `${40 + i * 12}%` }} />
          </div>
        </div>
      ))}
    </div>
  );
}
