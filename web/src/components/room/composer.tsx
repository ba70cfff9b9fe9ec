"use client";
import { X } from "lucide-react";
import { forwardRef, useImperativeHandle, useRef, useState, type KeyboardEvent } from "react";
import type { Message } from "@/lib/api/types";
import { Button } from "../ui/button";

export interface ComposerHandle {
  focus(): void;
}

export const Composer = forwardRef<
  ComposerHandle,
  {
    onSend(body: string): void;
    onTyping(): void;
    onEditLast(): void;
    replyTo: Message | null;
    replyAuthor?: string;
    onCancelReply(): void;
    disabled?: boolean;
    placeholder?: string;
  }
>(function Composer({ onSend, onTyping, onEditLast, replyTo, replyAuthor, onCancelReply, disabled, placeholder }, ref) {
  const [text, setText] = useState("");
  const area = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  useImperativeHandle(ref, () => ({ focus: () => area.current?.focus() }));

  function submit() {
    const body = text.trim();
    if (!body) return;
    onSend(body);
    setText("");
    lastTyping.current = 0;
    area.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
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
            <p className="truncate text-muted-foreground">{replyTo.deleted ? "Message deleted" : replyTo.body}</p>
          </div>
          <Button size="sm" variant="ghost" onClick={onCancelReply} aria-label="Cancel reply">
            <X className="size-4" aria-hidden />
          </Button>
        </div>
      )}
      <form
        className="flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <textarea
          ref={area}
          data-testid="composer-input"
          aria-label="Message"
          placeholder={disabled ? "You can't post here" : (placeholder ?? "Write a message…")}
          title="Enter to send, Shift+Enter for a new line, ↑ to edit your last message"
          rows={1}
          disabled={disabled}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            // Throttle: one typing frame per 2.5 s while keys are pressed.
            const now = Date.now();
            if (e.target.value && now - lastTyping.current > 2500) {
              lastTyping.current = now;
              onTyping();
            }
          }}
          onKeyDown={onKeyDown}
          className="max-h-40 min-h-[2.5rem] flex-1 resize-none rounded-xl border border-border bg-card px-3 py-2 text-sm field-sizing-content placeholder:text-muted-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        />
        <Button type="submit" disabled={disabled || !text.trim()} data-testid="composer-send" className="h-10 rounded-xl" aria-label="Send">
          Send
        </Button>
      </form>
    </div>
  );
});
