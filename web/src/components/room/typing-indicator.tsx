/** Who is typing, by name; an empty line (kept for the layout) when nobody is. */
export function TypingIndicator({ names }: { names: string[] }) {
  return (
    <div className="h-5 shrink-0 px-4 text-xs text-muted-foreground" aria-live="polite" data-testid="typing-indicator">
      {names.length > 0 &&
        (names.length === 1
          ? `${names[0]} is typing…`
          : names.length === 2
            ? `${names[0]} and ${names[1]} are typing…`
            : "Several people are typing…")}
    </div>
  );
}
