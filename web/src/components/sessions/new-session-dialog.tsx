"use client";
import { useId, useState, type FormEvent } from "react";
import { useCreateSession, useStartSession } from "@/hooks/queries/sessions";
import { errorMessage } from "@/lib/api/client";
import { localInputToIso } from "@/lib/sessions";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Input, Label } from "../ui/input";

/** Schedule a session in a room (its owner and moderators), or start one at once. */
export function NewSessionDialog({ roomId, open, onClose }: { roomId: string; open: boolean; onClose(): void }) {
  const create = useCreateSession(roomId);
  const start = useStartSession(roomId);
  const [title, setTitle] = useState("");
  const [when, setWhen] = useState("");
  const ids = useId();
  const busy = create.isPending || start.isPending;
  const error = create.error ?? start.error;

  function close() {
    create.reset();
    start.reset();
    setTitle("");
    setWhen("");
    onClose();
  }

  function submit(e: FormEvent, startNow: boolean) {
    e.preventDefault();
    const t = title.trim();
    if (!t || busy) return;
    create.mutate(
      { title: t, scheduled_at: startNow ? null : localInputToIso(when) },
      { onSuccess: (s) => (startNow ? start.mutate(s.id, { onSuccess: close }) : close()) },
    );
  }

  return (
    <Dialog open={open} onClose={close} title="New session" testId="new-session-dialog">
      <form className="flex flex-col gap-4" onSubmit={(e) => submit(e, false)}>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${ids}-title`}>Title</Label>
          <Input
            id={`${ids}-title`}
            data-testid="new-session-title"
            value={title}
            required
            maxLength={200}
            autoFocus
            onChange={(e) => setTitle(e.target.value)}
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${ids}-when`}>
            When <span className="font-normal text-muted-foreground">(optional, your time)</span>
          </Label>
          <Input id={`${ids}-when`} type="datetime-local" data-testid="new-session-when" value={when} onChange={(e) => setWhen(e.target.value)} />
        </div>
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {errorMessage(error)}
          </p>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button variant="outline" disabled={busy || !title.trim()} onClick={(e) => submit(e, true)} data-testid="new-session-start-now">
            Start now
          </Button>
          <Button type="submit" disabled={busy || !title.trim()} data-testid="new-session-submit">
            Schedule
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
