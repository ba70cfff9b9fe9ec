"use client";
import { Paperclip, X } from "lucide-react";
import { forwardRef, useId, useImperativeHandle, useRef, useState, type ClipboardEvent, type KeyboardEvent } from "react";
import { useAttachmentUploads } from "@/hooks/use-attachment-uploads";
import type { PendingAttachment } from "@/hooks/use-pending-sends";
import type { Mentions, Message, PpvRequest } from "@/lib/api/types";
import { canSend, uploadsInFlight } from "@/lib/files/upload-queue";
import { collectMentions, findMentionQuery, matchMembers, type MentionCandidate } from "@/lib/mentions";
import { quoteText } from "@/lib/payments";
import { UploadTray } from "../files/upload-tray";
import { Button } from "../ui/button";
import { MentionSuggestions, mentionOptionId, type MentionOption } from "./mention-suggestions";
import { PpvFields, PpvToggle, usePpvDraft } from "./ppv-controls";

export interface ComposerHandle {
  focus(): void;
  /** Attach files (dropped on the room): each starts uploading at once. */
  addFiles(files: File[]): void;
}

/** A pasted image has a generic name ("image.png"): give it one that says when. */
function namePasted(f: File): File {
  if (f.name && f.name !== "image.png") return f;
  const ext = f.type.split("/")[1]?.replace("jpeg", "jpg") || "png";
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return new File([f], `pasted-${stamp}.${ext}`, { type: f.type });
}

export const Composer = forwardRef<
  ComposerHandle,
  {
    onSend(body: string, mentions?: Mentions, attachments?: PendingAttachment[], ppv?: PpvRequest): void;
    onTyping(): void;
    onEditLast(): void;
    replyTo: Message | null;
    replyAuthor?: string;
    onCancelReply(): void;
    disabled?: boolean;
    placeholder?: string;
    /** Who `@` suggests (the room's other members). */
    mentionables?: MentionCandidate[];
    /** Owners and moderators may notify the whole room. */
    canMentionRoom?: boolean;
    /** My payout account is enabled: messages may be sold (pay-per-view). */
    canSell?: boolean;
  }
>(function Composer(
  { onSend, onTyping, onEditLast, replyTo, replyAuthor, onCancelReply, disabled, placeholder, mentionables = [], canMentionRoom = false, canSell = false },
  ref,
) {
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  /** The `@` whose suggestions were dismissed (Esc, or a pick). */
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const picked = useRef(new Map<string, string>());
  const area = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  const listId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const uploads = useAttachmentUploads();
  const ppv = usePpvDraft();
  const { addFiles } = uploads;
  useImperativeHandle(
    ref,
    () => ({
      focus: () => area.current?.focus(),
      addFiles: (files) => {
        if (!disabled) addFiles(files);
      },
    }),
    [addFiles, disabled],
  );
  const sendable = canSend(text, uploads.items);

  const query = findMentionQuery(text, caret);
  const options: MentionOption[] =
    query && query.start !== dismissedAt
      ? [
          ...matchMembers(mentionables, query.query),
          ...(canMentionRoom && "room".startsWith(query.query.toLowerCase()) ? [{ id: "room", name: "room", hint: "everyone here" }] : []),
        ]
      : [];
  const activeIdx = Math.min(active, options.length - 1);

  function pick(o: MentionOption) {
    if (!query) return;
    const insert = `@${o.name} `;
    const next = text.slice(0, query.start) + insert + text.slice(caret);
    const pos = query.start + insert.length;
    if (o.id !== "room") picked.current.set(o.id, o.name);
    setText(next);
    setCaret(pos);
    setDismissedAt(query.start);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(pos, pos);
    });
  }

  function submit() {
    const body = text.trim();
    if (disabled || !canSend(body, uploads.items)) return;
    // A sold message needs a body (the API refuses one without) and a valid price.
    const sale = canSell ? ppv.request() : undefined;
    if (sale === null || (sale && !body)) return;
    const attachments = uploads.items.flatMap((i) => (i.status === "uploaded" && i.fileId ? [{ id: i.fileId, name: i.name }] : []));
    onSend(body, collectMentions(body, picked.current, mentionables, canMentionRoom), attachments.length ? attachments : undefined, sale);
    uploads.markSent();
    ppv.reset();
    picked.current.clear();
    setText("");
    setCaret(0);
    setDismissedAt(null);
    lastTyping.current = 0;
    area.current?.focus();
  }

  function onPaste(e: ClipboardEvent<HTMLTextAreaElement>) {
    const files = Array.from(e.clipboardData.files);
    if (files.length === 0 || disabled) return;
    // A copied image often comes with its HTML or URL too: attach the file, paste no text.
    e.preventDefault();
    addFiles(files.map(namePasted));
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (options.length > 0 && !e.nativeEvent.isComposing) {
      const n = options.length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive((activeIdx + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
        return;
      }
      if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
        e.preventDefault();
        pick(options[Math.max(0, activeIdx)]);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setDismissedAt(query?.start ?? null);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === "Escape" && replyTo) {
      onCancelReply();
    } else if (e.key === "ArrowUp" && text === "") {
      e.preventDefault();
      onEditLast();
    }
  }

  return (
    <div className="border-t border-border bg-background p-2 sm:p-3">
      {replyTo && (
        <div className="mb-2 flex items-center gap-2 rounded-lg border-l-4 border-primary bg-muted px-3 py-1.5 text-xs" data-testid="reply-banner">
          <div className="min-w-0 flex-1">
            <span className="font-semibold">Replying to {replyAuthor ?? "message"}</span>
            <p className="truncate text-muted-foreground">{quoteText(replyTo)}</p>
          </div>
          <Button size="sm" variant="ghost" onClick={onCancelReply} aria-label="Cancel reply">
            <X className="size-4" aria-hidden />
          </Button>
        </div>
      )}
      <UploadTray items={uploads.items} onRemove={uploads.remove} />
      {canSell && <PpvFields draft={ppv} />}
      <form
        className="relative flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          data-testid="composer-file-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            // Cleared, so choosing the same file again fires a change.
            e.target.value = "";
            addFiles(files);
          }}
        />
        <Button
          variant="ghost"
          size="icon"
          className="h-10 w-10 shrink-0 rounded-xl"
          disabled={disabled}
          onClick={() => fileInput.current?.click()}
          aria-label="Attach files"
          title="Attach files (or drop them on the room, or paste an image)"
          data-testid="composer-attach"
        >
          <Paperclip className="size-4" aria-hidden />
        </Button>
        {canSell && <PpvToggle draft={ppv} disabled={disabled} />}
        {options.length > 0 && (
          <MentionSuggestions id={listId} options={options} active={Math.max(0, activeIdx)} onPick={pick} onHover={setActive} />
        )}
        <textarea
          ref={area}
          aria-autocomplete="list"
          aria-controls={options.length > 0 ? listId : undefined}
          aria-activedescendant={options.length > 0 ? mentionOptionId(listId, Math.max(0, activeIdx)) : undefined}
          data-testid="composer-input"
          aria-label="Message"
          placeholder={disabled ? "You can't post here" : (placeholder ?? "Write a message…")}
          title="Enter to send, Shift+Enter for a new line, ↑ to edit your last message"
          rows={1}
          disabled={disabled}
          value={text}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setActive(0);
            // A dismissed `@` stays dismissed only while its query is still being typed.
            if (findMentionQuery(e.target.value, e.target.selectionStart)?.start !== dismissedAt) setDismissedAt(null);
            // Throttle: one typing frame per 2.5 s while keys are pressed.
            const now = Date.now();
            if (e.target.value && now - lastTyping.current > 2500) {
              lastTyping.current = now;
              onTyping();
            }
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          className="max-h-40 min-h-[2.5rem] flex-1 resize-none rounded-xl border border-border bg-card px-3 py-2 text-sm field-sizing-content placeholder:text-muted-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        />
        <Button
          type="submit"
          disabled={disabled || !sendable}
          data-testid="composer-send"
          className="h-10 rounded-xl"
          aria-label="Send"
          title={uploadsInFlight(uploads.items) ? "Waiting for uploads to finish" : undefined}
        >
          Send
        </Button>
      </form>
    </div>
  );
});
