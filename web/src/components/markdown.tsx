import { Fragment, memo, useMemo, type ReactNode } from "react";
import { parseMarkdown, type MdNode, type MentionTarget } from "@/lib/markdown";
import { cn } from "@/lib/utils";

function render(nodes: MdNode[], keyPrefix: string): ReactNode[] {
  return nodes.map((n, i) => {
    const key = `${keyPrefix}${i}`;
    switch (n.type) {
      case "text":
        return <Fragment key={key}>{n.text}</Fragment>;
      case "strong":
        return (
          <strong key={key} className="font-semibold">
            {render(n.children, `${key}.`)}
          </strong>
        );
      case "em":
        return <em key={key}>{render(n.children, `${key}.`)}</em>;
      case "code":
        return (
          <code key={key} className="rounded bg-muted px-1 py-0.5 font-mono text-[0.85em]">
            {n.text}
          </code>
        );
      case "codeblock":
        return (
          <pre
            key={key}
            className="my-1 overflow-x-auto whitespace-pre rounded-lg border border-border bg-muted p-2 font-mono text-xs leading-relaxed"
            data-lang={n.lang ?? undefined}
          >
            <code>{n.text}</code>
          </pre>
        );
      case "link":
        return (
          <a key={key} href={n.href} target="_blank" rel="noopener noreferrer" className="text-primary underline underline-offset-2 hover:no-underline">
            {render(n.children, `${key}.`)}
          </a>
        );
      case "mention":
        return (
          <span
            key={key}
            data-testid="mention"
            data-user-id={n.userId ?? undefined}
            data-me={n.me ? "true" : undefined}
            className={cn(
              "rounded px-0.5 font-medium",
              n.me ? "bg-amber-400/30 text-amber-900 dark:bg-amber-400/25 dark:text-amber-200" : "bg-primary/10 text-primary",
            )}
          >
            {n.text}
          </span>
        );
    }
  });
}

/** A message body from the safe Markdown subset; React elements only, never HTML strings. */
export const Markdown = memo(function Markdown({ text, mentions }: { text: string; mentions?: MentionTarget[] }) {
  const nodes = useMemo(() => parseMarkdown(text, { mentions }), [text, mentions]);
  return <>{render(nodes, "")}</>;
});
