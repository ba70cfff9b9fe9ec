"use client";
import { Lock, Pencil, Trash2, X } from "lucide-react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useCreateSessionNote, useDeleteSessionNote, useSessionNotes, useUpdateSessionNote } from "@/hooks/queries/sessions";
import { errorMessage } from "@/lib/api/client";
import type { PublicProfile, Session, SessionNote, SessionNoteKind } from "@/lib/api/types";
import { NOTE_KIND_LABELS, NOTE_KINDS } from "@/lib/sessions";
import { cn, formatTime, newId } from "@/lib/utils";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Label, Textarea } from "../ui/input";
import { ErrorState, Skeleton } from "../ui/states";

const MAX_BODY = 4000;

const select =
  "h-9 w-full rounded-lg border border-border bg-background px-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

/** Add a note: its kind, its text, shared with the room or private. Enter adds it. */
function NoteForm({ sessionId, autoFocus }: { sessionId: string; autoFocus: boolean }) {
  const create = useCreateSessionNote(sessionId);
  const ids = useId();
  const [kind, setKind] = useState<SessionNoteKind>("note");
  const [body, setBody] = useState("");
  const [priv, setPriv] = useState(false);
  const [added, setAdded] = useState("");
  // One id per note, kept until it is saved: a retry after a network error is the same note.
  const clientId = useRef<string | null>(null);

  function submit() {
    const text = body.trim();
    if (!text || create.isPending) return;
    clientId.current ??= newId();
    create.mutate(
      { kind, body: text, visibility: priv ? "private" : "shared", client_note_id: clientId.current },
      {
        onSuccess: (n) => {
          clientId.current = null;
          setBody("");
          setAdded(`${NOTE_KIND_LABELS[n.kind]} added${n.visibility === "private" ? " (private)" : ""}.`);
        },
      },
    );
  }

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form
      className="flex flex-col gap-2 border-b border-border p-3"
      data-testid="session-note-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="flex items-end gap-2">
        <div className="flex min-w-0 flex-1 flex-col gap-1">
          <Label htmlFor={`${ids}-kind`} className="text-xs">
            Kind
          </Label>
          <select id={`${ids}-kind`} className={select} value={kind} onChange={(e) => setKind(e.target.value as SessionNoteKind)} data-testid="session-note-kind">
            {NOTE_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <label className="flex h-9 items-center gap-2 text-sm">
          <input type="checkbox" className="size-4 accent-primary" checked={priv} onChange={(e) => setPriv(e.target.checked)} data-testid="session-note-private" />
          <Lock className="size-3.5" aria-hidden /> Private
        </label>
      </div>
      <Label htmlFor={`${ids}-body`} className="sr-only">
        Note text
      </Label>
      <Textarea
        id={`${ids}-body`}
        data-testid="session-note-body"
        placeholder={priv ? "A private note, only for you…" : "A note everyone here sees…"}
        aria-describedby={`${ids}-hint`}
        rows={2}
        maxLength={MAX_BODY}
        autoFocus={autoFocus}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={onKey}
      />
      <div className="flex items-center gap-2">
        <p id={`${ids}-hint`} className="flex-1 text-[11px] text-muted-foreground">
          Enter to add · Shift+Enter for a new line
        </p>
        <Button type="submit" size="sm" disabled={!body.trim() || create.isPending} data-testid="session-note-add">
          Add
        </Button>
      </div>
      {create.isError && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {errorMessage(create.error)} Press Add to try again.
        </p>
      )}
      <p className="sr-only" role="status">
        {added}
      </p>
    </form>
  );
}

function NoteItem({
  note: n,
  sessionId,
  mine,
  authorName,
  canDelete,
  readOnly,
}: {
  note: SessionNote;
  sessionId: string;
  mine: boolean;
  authorName: string;
  canDelete: boolean;
  readOnly: boolean;
}) {
  const update = useUpdateSessionNote(sessionId);
  const del = useDeleteSessionNote(sessionId);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(n.body);
  const editRef = useRef<HTMLTextAreaElement>(null);
  const editBtn = useRef<HTMLButtonElement>(null);
  const ids = useId();
  useEffect(() => {
    if (editing) editRef.current?.focus();
  }, [editing]);

  function save() {
    const text = draft.trim();
    if (!text) return;
    if (text === n.body) return stopEditing();
    update.mutate({ id: n.id, body: { body: text } }, { onSuccess: stopEditing });
  }
  function stopEditing() {
    setEditing(false);
    requestAnimationFrame(() => editBtn.current?.focus());
  }

  const toggleable = mine && !readOnly;
  return (
    <li
      className="flex flex-col gap-1 rounded-lg border border-border bg-background p-2.5"
      data-testid="session-note"
      data-note-id={n.id}
      data-kind={n.kind}
      data-visibility={n.visibility}
      data-mine={mine ? "true" : "false"}
      data-done={n.kind === "action_item" ? String(n.done) : undefined}
    >
      <div className="flex flex-wrap items-center gap-1.5 text-[11px] text-muted-foreground">
        <Badge variant="outline" className="text-[11px]">
          {NOTE_KIND_LABELS[n.kind]}
        </Badge>
        {n.visibility === "private" && (
          <Badge variant="secondary" className="gap-1 text-[11px]">
            <Lock className="size-3" aria-hidden /> Private
          </Badge>
        )}
        <span className="font-medium text-foreground">{mine ? "You" : authorName}</span>
        <time dateTime={n.created_at}>{formatTime(n.created_at)}</time>
        {n.edited_at && <span>(edited)</span>}
      </div>
      {editing ? (
        <div className="flex flex-col gap-1">
          <Label htmlFor={`${ids}-edit`} className="sr-only">
            Edit note
          </Label>
          <Textarea
            id={`${ids}-edit`}
            ref={editRef}
            rows={3}
            maxLength={MAX_BODY}
            value={draft}
            data-testid="session-note-edit-input"
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                save();
              } else if (e.key === "Escape") {
                e.stopPropagation();
                setDraft(n.body);
                stopEditing();
              }
            }}
          />
          <div className="flex justify-end gap-1">
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setDraft(n.body);
                stopEditing();
              }}
            >
              Cancel
            </Button>
            <Button size="sm" disabled={!draft.trim() || update.isPending} onClick={save} data-testid="session-note-save">
              Save
            </Button>
          </div>
        </div>
      ) : n.kind === "action_item" ? (
        <label className={cn("flex items-start gap-2 text-sm", toggleable && "cursor-pointer")}>
          <input
            type="checkbox"
            className="mt-0.5 size-4 shrink-0 accent-primary"
            checked={n.done}
            disabled={!toggleable || update.isPending}
            data-testid="session-note-done"
            onChange={(e) => update.mutate({ id: n.id, body: { done: e.target.checked } })}
          />
          <span className={cn("whitespace-pre-wrap break-words", n.done && "text-muted-foreground line-through")} data-testid="session-note-text">
            {n.body}
          </span>
        </label>
      ) : (
        <p className="whitespace-pre-wrap break-words text-sm" data-testid="session-note-text">
          {n.body}
        </p>
      )}
      {!editing && !readOnly && (mine || canDelete) && (
        <div className="flex justify-end gap-1">
          {mine && (
            <Button
              ref={editBtn}
              size="sm"
              variant="ghost"
              className="h-7 px-2"
              aria-label={`Edit note: ${n.body.slice(0, 40)}`}
              data-testid="session-note-edit"
              onClick={() => {
                setDraft(n.body);
                setEditing(true);
              }}
            >
              <Pencil className="size-3.5" aria-hidden /> Edit
            </Button>
          )}
          <Button
            size="sm"
            variant="ghost"
            className="h-7 px-2 text-red-700 dark:text-red-400"
            aria-label={`Delete note: ${n.body.slice(0, 40)}`}
            data-testid="session-note-delete"
            disabled={del.isPending}
            onClick={() => {
              if (window.confirm("Delete this note?")) del.mutate(n.id);
            }}
          >
            <Trash2 className="size-3.5" aria-hidden /> Delete
          </Button>
        </div>
      )}
      {(update.isError || del.isError) && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {errorMessage(update.error ?? del.error)}
        </p>
      )}
    </li>
  );
}

/**
 * A session's notes beside the room: shared ones and mine, live from the room's events; a
 * form to add one while the session is live. A drawer over the chat on narrow screens.
 */
export function SessionNotesPanel({
  session,
  myId,
  canModerate,
  userOf,
  onClose,
}: {
  session: Session;
  myId: string | undefined;
  canModerate: boolean;
  userOf(id: string): PublicProfile | undefined;
  onClose(): void;
}) {
  const notes = useSessionNotes(session.id);
  const live = session.status === "live";
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  useEffect(() => {
    if (!live) heading.current?.focus();
  }, [live]);

  const items = notes.data ?? [];
  return (
    <aside
      aria-labelledby={headingId}
      data-testid="session-notes-panel"
      data-session-id={session.id}
      className="absolute inset-y-0 right-0 z-30 flex w-80 max-w-[90vw] flex-col border-l border-border bg-card shadow-xl lg:static lg:shadow-none"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="flex h-14 shrink-0 items-center justify-between gap-2 border-b border-border px-4">
        <div className="min-w-0">
          <h2 id={headingId} ref={heading} tabIndex={-1} className="font-semibold focus:outline-none">
            Session notes
          </h2>
          <p className="truncate text-xs text-muted-foreground">{session.title}</p>
        </div>
        <Button variant="ghost" size="icon" onClick={onClose} aria-label="Close notes" data-testid="session-notes-close">
          <X className="size-4" aria-hidden />
        </Button>
      </div>
      {live ? (
        <NoteForm sessionId={session.id} autoFocus />
      ) : (
        <p className="border-b border-border p-3 text-xs text-muted-foreground" data-testid="session-notes-readonly">
          {session.status === "ended" ? "This session has ended: its notes are read-only." : "Notes open when the session starts."}
        </p>
      )}
      <div className="min-h-0 flex-1 overflow-y-auto p-3">
        {notes.isPending ? (
          <div className="flex flex-col gap-2">
            {[0, 1].map((i) => (
              <Skeleton key={i} className="h-16" />
            ))}
          </div>
        ) : notes.isError ? (
          <ErrorState error={errorMessage(notes.error)} onRetry={() => notes.refetch()} />
        ) : items.length === 0 ? (
          <p className="p-4 text-center text-sm text-muted-foreground">No notes yet.</p>
        ) : (
          <ul className="flex flex-col gap-2" aria-label="Notes" data-testid="session-note-list">
            {items.map((n) => (
              <NoteItem
                key={n.id}
                note={n}
                sessionId={session.id}
                mine={n.author_id === myId}
                authorName={userOf(n.author_id)?.display_name ?? "Someone"}
                canDelete={canModerate && n.visibility === "shared"}
                readOnly={!live}
              />
            ))}
          </ul>
        )}
      </div>
    </aside>
  );
}
