"use client";
import { useEffect, type RefObject } from "react";

/** Close a popover on a press outside `ref` or on Escape (focus returns to `restoreFocus`). */
export function useDismiss(ref: RefObject<HTMLElement | null>, open: boolean, onClose: () => void, restoreFocus?: RefObject<HTMLElement | null>) {
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      onClose();
      restoreFocus?.current?.focus();
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [ref, open, onClose, restoreFocus]);
}
