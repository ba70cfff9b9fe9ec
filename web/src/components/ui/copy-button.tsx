"use client";
import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { Button, type ButtonProps } from "./button";

/**
 * Copies `text` to the clipboard; says "Copied" (to screen readers too) for a moment.
 * `what`: said to screen readers after the label ("Copy" what), where several sit side by side.
 */
export function CopyButton({
  text,
  label = "Copy",
  copiedLabel = "Copied",
  what,
  ...button
}: { text: string; label?: string; copiedLabel?: string; what?: string } & Omit<ButtonProps, "onClick">) {
  const [copied, setCopied] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setFailed(false);
      setCopied(true);
    } catch {
      setFailed(true);
    }
  }

  return (
    <>
      <Button variant="outline" size="sm" {...button} onClick={() => void copy()}>
        {copied ? <Check className="size-3.5" aria-hidden /> : <Copy className="size-3.5" aria-hidden />}
        {copied ? copiedLabel : label}
        {what && <span className="sr-only"> {what}</span>}
      </Button>
      <span className="sr-only" role="status">
        {copied ? copiedLabel : failed ? "Copying failed: select the text and copy it yourself." : ""}
      </span>
    </>
  );
}
