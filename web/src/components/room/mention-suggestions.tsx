"use client";
import { AtSign } from "lucide-react";
import { cn } from "@/lib/utils";

export interface MentionOption {
  /** A user id, or "room" for @room. */
  id: string;
  name: string;
  hint?: string;
}

export const mentionOptionId = (listId: string, i: number) => `${listId}-opt-${i}`;

/** The list of `@` suggestions above the composer (a listbox driven from the textarea). */
export function MentionSuggestions({
  id,
  options,
  active,
  onPick,
  onHover,
}: {
  id: string;
  options: MentionOption[];
  active: number;
  onPick(o: MentionOption): void;
  onHover(i: number): void;
}) {
  return (
    <ul
      id={id}
      role="listbox"
      aria-label="Mention someone"
      data-testid="mention-suggestions"
      className="absolute bottom-full left-0 z-20 mb-1 max-h-64 w-72 max-w-[calc(100vw-2rem)] overflow-y-auto rounded-xl border border-border bg-card p-1 shadow-lg"
    >
      {options.map((o, i) => (
        <li
          key={o.id}
          id={mentionOptionId(id, i)}
          role="option"
          aria-selected={i === active}
          data-testid="mention-option"
          data-user-id={o.id}
          // Keep the focus (and the caret) in the textarea.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onPick(o)}
          onMouseEnter={() => onHover(i)}
          className={cn("flex cursor-pointer items-center gap-2 rounded-lg px-2 py-1.5 text-sm", i === active && "bg-muted")}
        >
          <AtSign className="size-3.5 shrink-0 text-muted-foreground" aria-hidden />
          <span className="min-w-0 flex-1 truncate font-medium">{o.name}</span>
          {o.hint && <span className="shrink-0 text-xs text-muted-foreground">{o.hint}</span>}
        </li>
      ))}
    </ul>
  );
}
