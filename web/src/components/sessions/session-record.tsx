"use client";
import { ArrowLeft, Download, MessageSquare } from "lucide-react";
import Link from "next/link";
import { useMemo, useState, type ReactNode } from "react";
import { useMe } from "@/hooks/queries/me";
import { useRoom } from "@/hooks/queries/rooms";
import { useSessionRecord } from "@/hooks/queries/sessions";
import { useUser } from "@/hooks/queries/users";
import { attachmentsOf } from "@/lib/api/files";
import { ApiError, errorMessage } from "@/lib/api/client";
import { downloadSessionMarkdown } from "@/lib/api/sessions";
import type { Message, Session, SessionNote, SessionParticipant, SessionRecord } from "@/lib/api/types";
import { exportFileName, formatDuration, groupNotes, intervalSeconds } from "@/lib/sessions";
import { cn, formatTime } from "@/lib/utils";
import { AttachmentList } from "../files/attachments";
import { NotionExportButton, NotionExportStatus, useNotionExport } from "../integrations/notion-export";
import { Markdown } from "../markdown";
import { LockedBody, PpvLabel } from "../room/paid-content";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardContent } from "../ui/card";
import { ErrorState, Loading, Spinner } from "../ui/states";
import { UserAvatar } from "../user-avatar";
import { formatWhen, SessionStatusBadge, useNow } from "./session-bits";

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex flex-col gap-0.5 sm:flex-row sm:gap-4">
      <dt className="w-32 shrink-0 text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 text-sm" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function Section({ title, children, testId, count }: { title: string; children: ReactNode; testId: string; count?: number }) {
  return (
    <Card data-testid={testId}>
      <CardContent className="flex flex-col gap-3 p-5">
        <h2 className="text-lg font-semibold">
          {title}
          {count !== undefined && <span className="ml-2 text-sm font-normal text-muted-foreground">{count}</span>}
        </h2>
        {children}
      </CardContent>
    </Card>
  );
}

function Participant({ p, now }: { p: SessionParticipant; now: number }) {
  const user = useUser(p.user_id);
  const open = p.intervals.some((i) => !i.left_at);
  // An open interval keeps counting while the page is shown.
  const total = open ? p.intervals.reduce((t, i) => t + intervalSeconds(i.joined_at, i.left_at, now), 0) : p.total_seconds;
  return (
    <li className="flex flex-wrap items-start gap-3 py-2" data-testid="record-participant" data-user-id={p.user_id} data-intervals={p.intervals.length}>
      <UserAvatar user={user.data} name={p.display_name} />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-baseline gap-x-2">
          <Link href={`/users/${p.user_id}`} className="font-medium hover:underline" data-testid="record-participant-name">
            {p.display_name}
          </Link>
          <span className="text-sm text-muted-foreground" data-testid="record-participant-total">
            {formatDuration(total)} in all
          </span>
          {open && <Badge variant="success">here now</Badge>}
        </p>
        <ul className="mt-0.5 flex flex-col text-xs text-muted-foreground" aria-label={`When ${p.display_name} was there`}>
          {p.intervals.map((i) => (
            <li key={i.joined_at} data-testid="record-interval">
              <time dateTime={i.joined_at}>{formatTime(i.joined_at)}</time>
              {" – "}
              {i.left_at ? <time dateTime={i.left_at}>{formatTime(i.left_at)}</time> : "now"}
              {` (${formatDuration(intervalSeconds(i.joined_at, i.left_at, now))})`}
            </li>
          ))}
        </ul>
      </div>
    </li>
  );
}

function NoteGroups({ notes, nameOf, myId }: { notes: SessionNote[]; nameOf(id: string): string; myId: string | undefined }) {
  const groups = groupNotes(notes);
  if (groups.length === 0) return <p className="text-sm text-muted-foreground">No notes were taken.</p>;
  return (
    <div className="flex flex-col gap-4">
      {groups.map((g) => (
        <div key={g.kind} data-testid="record-note-group" data-kind={g.kind}>
          <h3 className="mb-1.5 text-sm font-semibold">{g.label}</h3>
          <ul className="flex flex-col gap-1.5">
            {g.notes.map((n) => {
              const by = (
                <span className="text-xs text-muted-foreground">
                  {" "}
                  — {n.author_id === myId ? "you" : nameOf(n.author_id)}
                  {n.visibility === "private" && " · private"}
                </span>
              );
              return (
                <li key={n.id} data-testid="record-note" data-kind={n.kind} data-visibility={n.visibility} data-done={n.kind === "action_item" ? String(n.done) : undefined}>
                  {n.kind === "action_item" ? (
                    <label className="flex items-start gap-2 text-sm">
                      <input type="checkbox" className="mt-0.5 size-4 shrink-0 accent-primary" checked={n.done} disabled readOnly />
                      <span className="min-w-0 break-words">
                        <span className={cn("whitespace-pre-wrap", n.done && "line-through")} data-testid="record-note-text">
                          {n.body}
                        </span>
                        {by}
                      </span>
                    </label>
                  ) : (
                    <p className="break-words text-sm">
                      <span className="whitespace-pre-wrap" data-testid="record-note-text">
                        {n.body}
                      </span>
                      {by}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}

function TranscriptItem({ m, name, mine }: { m: Message; name: string | undefined; mine: boolean }) {
  const fallback = useUser(m.author_id, name === undefined);
  const author = name ?? fallback.data?.display_name ?? "Someone";
  const attachments = attachmentsOf(m);
  return (
    <li className="flex gap-3 py-1.5" data-testid="transcript-message" data-message-id={m.id} data-seq={m.seq}>
      <time className="w-14 shrink-0 pt-0.5 text-xs tabular-nums text-muted-foreground" dateTime={m.created_at}>
        {formatTime(m.created_at)}
      </time>
      <div className="min-w-0 flex-1">
        <p className="text-sm font-semibold" data-testid="transcript-author">
          {author}
        </p>
        {m.deleted ? (
          <p className="text-sm italic text-muted-foreground" data-testid="message-deleted">
            Message deleted
          </p>
        ) : m.locked ? (
          <LockedBody message={m} mine={mine} />
        ) : (
          (m.body || attachments.length === 0) && (
            <div className="whitespace-pre-wrap break-words text-sm leading-relaxed" data-testid="transcript-body">
              <PpvLabel message={m} />
              <Markdown text={m.body ?? ""} />
              {m.edited_at && <span className="ml-1 text-[11px] text-muted-foreground">(edited)</span>}
            </div>
          )
        )}
        {!m.deleted && <AttachmentList attachments={attachments} />}
      </div>
    </li>
  );
}

function RecordView({ id, pages }: { id: string; pages: SessionRecord[] }) {
  const me = useMe();
  const myId = me.data?.id;
  const first = pages[0];
  const s: Session = first.session;
  const room = useRoom(s.room_id);
  const host = useUser(s.host_id);
  const now = useNow(15_000, s.status === "live");
  const [dlBusy, setDlBusy] = useState(false);
  const [dlError, setDlError] = useState<string | null>(null);
  const record = useSessionRecord(id);
  const notion = useNotionExport(s.id);

  const names = useMemo(() => new Map(first.participants.map((p) => [p.user_id, p.display_name])), [first.participants]);
  const nameOf = (uid: string) => names.get(uid) ?? "Someone";
  const transcript = useMemo(() => {
    const seen = new Set<string>();
    return pages
      .flatMap((p) => p.transcript.items)
      .filter((m) => {
        if (seen.has(m.id)) return false;
        seen.add(m.id);
        return true;
      });
  }, [pages]);
  const duration = s.started_at ? intervalSeconds(s.started_at, s.ended_at, now) : null;

  async function download() {
    setDlError(null);
    setDlBusy(true);
    try {
      await downloadSessionMarkdown(s.id, exportFileName(s.title));
    } catch (e) {
      setDlError(errorMessage(e));
    } finally {
      setDlBusy(false);
    }
  }

  return (
    <>
      <Card data-testid="record-header" data-status={s.status} data-session-id={s.id}>
        <CardContent className="flex flex-col gap-5 p-5 sm:p-6">
          <div className="flex flex-wrap items-start gap-3">
            <div className="min-w-0 flex-1">
              <h1 className="break-words text-2xl font-bold" data-testid="record-title">
                {s.title}
              </h1>
              <p className="text-sm text-muted-foreground">
                Session in{" "}
                <Link href={`/rooms/${s.room_id}`} className="font-medium text-foreground underline underline-offset-2 hover:decoration-2" data-testid="record-room">
                  {room.data ? (room.data.kind === "direct" ? "your conversation" : `#${room.data.name}`) : "its room"}
                </Link>
              </p>
            </div>
            <SessionStatusBadge status={s.status} className="px-3 py-1 text-sm" />
          </div>
          <dl className="flex flex-col gap-2">
            <Row label="Host">{host.data?.display_name ?? names.get(s.host_id) ?? "…"}</Row>
            {s.scheduled_at && <Row label="Planned for">{formatWhen(s.scheduled_at)}</Row>}
            {s.started_at && (
              <Row label="Started" testId="record-started">
                {formatWhen(s.started_at)}
              </Row>
            )}
            {s.ended_at && (
              <Row label="Ended" testId="record-ended">
                {formatWhen(s.ended_at)}
              </Row>
            )}
            {duration !== null && (
              <Row label={s.status === "live" ? "Going for" : "Length"} testId="record-duration">
                {formatDuration(duration)}
              </Row>
            )}
            {s.booking_id && (
              <Row label="Booking">
                <Link href={`/bookings/${s.booking_id}`} className="text-primary underline underline-offset-2 hover:decoration-2">
                  The booking behind it
                </Link>
              </Row>
            )}
          </dl>
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => void download()} disabled={dlBusy} data-testid="record-download">
              {dlBusy ? <Spinner className="size-4" /> : <Download className="size-4" aria-hidden />} Download Markdown
            </Button>
            <NotionExportButton state={notion} />
            <Link
              href={`/rooms/${s.room_id}`}
              className="inline-flex h-9 items-center gap-2 rounded-lg border border-border px-4 text-sm font-medium hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              <MessageSquare className="size-4" aria-hidden /> {s.status === "live" ? "Join in the room" : "Open the room"}
            </Link>
          </div>
          {dlError && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {dlError}
            </p>
          )}
          <NotionExportStatus state={notion} />
        </CardContent>
      </Card>

      <Section title="Participants" testId="record-participants" count={first.participants.length}>
        {first.participants.length === 0 ? (
          <p className="text-sm text-muted-foreground">{s.status === "scheduled" ? "The session has not started yet." : "Nobody attended."}</p>
        ) : (
          <ul className="flex flex-col divide-y divide-border">
            {first.participants.map((p) => (
              <Participant key={p.user_id} p={p} now={now} />
            ))}
          </ul>
        )}
      </Section>

      <Section title="Notes" testId="record-notes" count={first.notes.length}>
        <NoteGroups notes={first.notes} nameOf={nameOf} myId={myId} />
      </Section>

      <Section title="Transcript" testId="record-transcript">
        {transcript.length === 0 ? (
          <p className="text-sm text-muted-foreground">{s.status === "scheduled" ? "Nothing yet." : "No messages during the session."}</p>
        ) : (
          <ol className="flex flex-col divide-y divide-border" aria-label="Messages during the session">
            {transcript.map((m) => (
              <TranscriptItem key={m.id} m={m} name={names.get(m.author_id)} mine={m.author_id === myId} />
            ))}
          </ol>
        )}
        {record.hasNextPage && (
          <Button variant="outline" className="self-center" disabled={record.isFetchingNextPage} onClick={() => void record.fetchNextPage()} data-testid="record-load-more">
            {record.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        )}
        {record.isFetchNextPageError && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {errorMessage(record.error)}
          </p>
        )}
      </Section>
    </>
  );
}

/** A session's record: what it was, who attended when, its notes and its transcript. */
export function SessionRecordPage({ id }: { id: string }) {
  const record = useSessionRecord(id);
  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-4 p-4 sm:p-8" data-testid="record-page">
      {record.data?.pages[0] ? (
        <Link
          href={`/rooms/${record.data.pages[0].session.room_id}`}
          className="inline-flex items-center gap-1 self-start text-sm text-muted-foreground hover:text-foreground hover:underline"
        >
          <ArrowLeft className="size-4" aria-hidden /> Back to the room
        </Link>
      ) : null}
      {record.isPending ? (
        <Loading label="Opening session…" />
      ) : record.isError && !record.data ? (
        <ErrorState
          error={record.error instanceof ApiError && record.error.status === 404 ? "This session does not exist or you cannot see it." : errorMessage(record.error)}
          onRetry={() => record.refetch()}
        />
      ) : (
        <RecordView id={id} pages={record.data.pages} />
      )}
    </div>
  );
}
