"use client";
import { Paperclip, Pencil, Reply, SmilePlus, Trash2, X } from "lucide-react";
import Link from "next/link";
import { memo, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import type { PendingMessage } from "@/hooks/use-pending-sends";
import { attachmentsOf } from "@/lib/api/files";
import { readableOn } from "@/lib/contrast";
import type { Message, PublicProfile } from "@/lib/api/types";
import type { MentionTarget } from "@/lib/markdown";
import { formatMoney } from "@/lib/money";
import { quoteText } from "@/lib/payments";
import { cn, formatTime } from "@/lib/utils";
import { AttachmentList } from "../files/attachments";
import { Markdown } from "../markdown";
import { UserAvatar } from "../user-avatar";
import { LockedBody, PpvLabel } from "./paid-content";

export const QUICK_EMOJIS = ["👍", "❤️", "😂", "🎉", "😮", "😢"];

interface Props {
  message: Message;
  author?: PublicProfile;
  mine: boolean;
  grouped: boolean;
  canModerate: boolean;
  replyTarget?: { message?: Message; author?: string };
  editing: boolean;
  readers?: PublicProfile[];
  /** Names to highlight after `@` (the message's mentions). */
  mentionTargets?: MentionTarget[];
  /** The message mentions me (directly or @room). */
  mentionsMe?: boolean;
  /** The message a link pointed at (`?seq=`). */
  highlighted?: boolean;
  onReply(m: Message): void;
  onStartEdit(m: Message): void;
  onCancelEdit(): void;
  onSaveEdit(m: Message, body: string): void;
  onDelete(m: Message): void;
  onReact(m: Message, emoji: string, add: boolean): void;
  /** Buy a locked pay-per-view message. */
  onUnlock?(m: Message): void;
  unlocking?: boolean;
}

function EditBox({ initial, onSave, onCancel }: { initial: string; onSave(b: string): void; onCancel(): void }) {
  const [v, setV] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = ref.current;
    el?.focus();
    el?.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      if (v.trim()) onSave(v.trim());
    } else if (e.key === "Escape") onCancel();
  };
  return (
    <div className="flex flex-col gap-1">
      <textarea
        ref={ref}
        data-testid="edit-input"
        aria-label="Edit message"
        className="w-full min-w-[12rem] resize-none rounded-lg border border-border bg-background p-2 text-sm field-sizing-content focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        value={v}
        onChange={(e) => setV(e.target.value)}
        onKeyDown={onKey}
      />
      <span className="text-[11px] text-muted-foreground">
        Enter to{" "}
        <button type="button" className="underline" data-testid="edit-save" onClick={() => v.trim() && onSave(v.trim())}>
          save
        </button>{" "}
        · Esc to{" "}
        <button type="button" className="underline" onClick={onCancel}>
          cancel
        </button>
      </span>
    </div>
  );
}

/**
 * A name in the colour its owner picked, made to read (WCAG AA, with room for the tinted
 * rows: a mention, a linked message) on the light and the dark page.
 */
function authorColors(color: string | null | undefined): CSSProperties | undefined {
  if (!color) return undefined;
  return { "--author-light": readableOn(color, "#ffffff", 5.5), "--author-dark": readableOn(color, "#0b0f19", 6) } as CSSProperties;
}

function ActionButton({ label, onClick, children, testId }: { label: string; onClick(): void; children: React.ReactNode; testId?: string }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      data-testid={testId}
      onClick={onClick}
      className="rounded-md px-1.5 py-1 text-sm hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
    >
      {children}
    </button>
  );
}

export const MessageItem = memo(function MessageItem(p: Props) {
  const { message: m, author, mine } = p;
  const [picker, setPicker] = useState(false);
  const name = author?.display_name || "Unknown";
  const reactions = Object.entries(m.reactions ?? {}).filter(([, n]) => n > 0);
  const attachments = attachmentsOf(m);
  return (
    <div
      id={`m-${m.id}`}
      data-testid="message"
      data-message-id={m.id}
      data-seq={m.seq}
      data-mine={mine ? "true" : "false"}
      data-mentions-me={p.mentionsMe ? "true" : undefined}
      data-highlighted={p.highlighted ? "true" : undefined}
      className={cn(
        "group relative flex scroll-my-16 gap-3 px-3 py-0.5 hover:bg-muted/40 sm:px-4",
        !p.grouped && "mt-3",
        p.mentionsMe && !m.deleted && "border-l-2 border-amber-400 bg-amber-400/5",
        p.highlighted && "bg-primary/10 ring-1 ring-primary/40 ring-inset transition-colors",
      )}
    >
      <div className="w-8 shrink-0">
        {!p.grouped && (
          <Link href={author ? `/users/${author.id}` : "#"} tabIndex={-1} aria-hidden>
            <UserAvatar user={author} name={name} />
          </Link>
        )}
      </div>
      <div className="min-w-0 flex-1">
        {!p.grouped && (
          <div className="flex items-baseline gap-2">
            <Link
              href={author ? `/users/${author.id}` : "#"}
              className={cn("text-sm font-semibold hover:underline", author?.color && "text-(--author-light) dark:text-(--author-dark)")}
              style={authorColors(author?.color)}
              data-testid="message-author"
            >
              {name}
            </Link>
            <time className="text-[11px] text-muted-foreground" dateTime={m.created_at}>
              {formatTime(m.created_at)}
            </time>
          </div>
        )}
        {m.reply_to && (
          <div className="mb-0.5 flex items-center gap-1 border-l-2 border-primary/50 pl-2 text-xs text-muted-foreground" data-testid="message-reply-quote">
            <Reply className="size-3 shrink-0" aria-hidden />
            <span className="font-medium">{p.replyTarget?.author ?? "Reply"}</span>
            <span className="truncate">
              {p.replyTarget?.message ? quoteText(p.replyTarget.message) : "an earlier message"}
            </span>
          </div>
        )}
        {m.deleted ? (
          <p className="text-sm italic text-muted-foreground" data-testid="message-deleted">
            Message deleted
          </p>
        ) : m.locked ? (
          <LockedBody message={m} mine={mine} onUnlock={p.onUnlock} unlocking={p.unlocking} />
        ) : p.editing ? (
          <EditBox initial={m.body ?? ""} onSave={(b) => p.onSaveEdit(m, b)} onCancel={p.onCancelEdit} />
        ) : (
          (m.body || attachments.length === 0) && (
            <div className="whitespace-pre-wrap break-words text-sm leading-relaxed" data-testid="message-body">
              <PpvLabel message={m} />
              <Markdown text={m.body ?? ""} mentions={p.mentionTargets} />
              {m.edited_at && (
                <span className="ml-1 text-[11px] text-muted-foreground" data-testid="message-edited">
                  (edited)
                </span>
              )}
            </div>
          )
        )}
        {!m.deleted && <AttachmentList attachments={attachments} />}
        {reactions.length > 0 && !m.deleted && (
          <div className="mt-1 flex flex-wrap gap-1">
            {reactions.map(([emoji, n]) => {
              const pressed = (m.my_reactions ?? []).includes(emoji);
              return (
                <button
                  key={emoji}
                  type="button"
                  data-testid="reaction-chip"
                  data-emoji={emoji}
                  data-count={n}
                  aria-pressed={pressed}
                  aria-label={`${emoji} ${n}${pressed ? ", you reacted" : ""}`}
                  onClick={() => p.onReact(m, emoji, !pressed)}
                  className={cn(
                    "inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs tabular-nums focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                    pressed ? "border-primary bg-primary/10 text-primary" : "border-border bg-card hover:bg-muted",
                  )}
                >
                  <span>{emoji}</span>
                  <span>{n}</span>
                </button>
              );
            })}
          </div>
        )}
        {p.readers && p.readers.length > 0 && (
          <div className="mt-1 flex items-center gap-0.5" data-testid="read-marker">
            <span className="mr-1 text-[10px] text-muted-foreground">Seen by</span>
            <span className="sr-only">{p.readers.map((r) => r.display_name).join(", ")}</span>
            {p.readers.slice(0, 5).map((r) => (
              <UserAvatar key={r.id} user={r} size="xs" />
            ))}
          </div>
        )}
      </div>
      {!m.deleted && !p.editing && (
        <div
          className={cn(
            "absolute -top-3 right-3 z-10 flex items-center rounded-lg border border-border bg-card shadow-sm",
            "opacity-0 transition-opacity group-hover:opacity-100 group-focus-within:opacity-100 [@media(hover:none)]:opacity-100",
            picker && "opacity-100",
          )}
        >
          {picker ? (
            <div className="flex items-center" role="group" aria-label="Pick a reaction">
              {QUICK_EMOJIS.map((e) => (
                <ActionButton
                  key={e}
                  label={`React ${e}`}
                  testId="reaction-option"
                  onClick={() => {
                    setPicker(false);
                    p.onReact(m, e, !(m.my_reactions ?? []).includes(e));
                  }}
                >
                  {e}
                </ActionButton>
              ))}
              <ActionButton label="Close" onClick={() => setPicker(false)}>
                <X className="size-4" aria-hidden />
              </ActionButton>
            </div>
          ) : (
            <>
              <ActionButton label="Add reaction" testId="message-react" onClick={() => setPicker(true)}>
                <SmilePlus className="size-4" aria-hidden />
              </ActionButton>
              <ActionButton label="Reply" testId="message-reply" onClick={() => p.onReply(m)}>
                <Reply className="size-4" aria-hidden />
              </ActionButton>
              {mine && !m.locked && (
                <ActionButton label="Edit" testId="message-edit" onClick={() => p.onStartEdit(m)}>
                  <Pencil className="size-4" aria-hidden />
                </ActionButton>
              )}
              {(mine || p.canModerate) && (
                <ActionButton label="Delete" testId="message-delete" onClick={() => p.onDelete(m)}>
                  <Trash2 className="size-4" aria-hidden />
                </ActionButton>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
});

export function PendingItem({ p, onRetry, onDiscard }: { p: PendingMessage; onRetry(): void; onDiscard(): void }) {
  return (
    <div data-testid="pending-message" data-status={p.status} className="flex gap-3 px-3 py-0.5 sm:px-4">
      <div className="w-8 shrink-0" />
      <div className="min-w-0 flex-1">
        {p.ppv && (
          <div className="text-[11px] font-medium text-primary opacity-60">Pay-per-view · {formatMoney(p.ppv.amount, p.ppv.currency)}</div>
        )}
        {p.body && (
          <p className={cn("whitespace-pre-wrap break-words text-sm", p.status === "sending" ? "opacity-60" : "text-red-700 dark:text-red-400")}>
            {p.body}
          </p>
        )}
        {p.attachments && p.attachments.length > 0 && (
          <ul className={cn("flex flex-wrap gap-1 text-xs", p.status === "sending" && "opacity-60")} data-testid="pending-attachments">
            {p.attachments.map((a) => (
              <li key={a.id} className="inline-flex items-center gap-1 rounded-md border border-border bg-card px-1.5 py-0.5">
                <Paperclip className="size-3" aria-hidden />
                {a.name}
              </li>
            ))}
          </ul>
        )}
        <div className="flex items-center gap-2 text-[11px] text-muted-foreground">
          {p.status === "sending" ? (
            "Sending…"
          ) : (
            <>
              <span>Not sent{p.error ? ` — ${p.error}` : ""}.</span>
              <button type="button" className="font-medium text-primary underline" onClick={onRetry} data-testid="pending-retry">
                Retry
              </button>
              <button type="button" className="underline" onClick={onDiscard}>
                Discard
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
