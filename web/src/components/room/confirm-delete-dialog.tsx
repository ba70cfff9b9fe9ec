"use client";
import type { Message } from "@/lib/api/types";
import { quoteText } from "@/lib/payments";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";

/** Asks before deleting `message` (open while it is set). */
export function ConfirmDeleteDialog({ message, onCancel, onConfirm }: { message: Message | null; onCancel(): void; onConfirm(m: Message): void }) {
  return (
    <Dialog open={Boolean(message)} onClose={onCancel} title="Delete message?" testId="confirm-delete">
      <p className="text-sm text-muted-foreground">This cannot be undone.</p>
      <p className="line-clamp-3 rounded-lg bg-muted p-3 text-sm">{message ? quoteText(message) : null}</p>
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          variant="destructive"
          data-testid="confirm-delete-button"
          onClick={() => {
            if (message) onConfirm(message);
            onCancel();
          }}
        >
          Delete
        </Button>
      </div>
    </Dialog>
  );
}
