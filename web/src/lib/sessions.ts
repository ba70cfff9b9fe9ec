// Live sessions: labels, durations, picking the session a room shows, and the pure reducers
// that apply `session.*` events to cached lists. Pure; unit tested.
import type { Session, SessionNote, SessionNoteKind, SessionPage, SessionParticipant, SessionStatus } from "./api/types";

export const NOTE_KINDS: { kind: SessionNoteKind; label: string; plural: string }[] = [
  { kind: "note", label: "Note", plural: "Notes" },
  { kind: "action_item", label: "Action item", plural: "Action items" },
  { kind: "decision", label: "Decision", plural: "Decisions" },
  { kind: "highlight", label: "Highlight", plural: "Highlights" },
];

export const NOTE_KIND_LABELS = Object.fromEntries(NOTE_KINDS.map((k) => [k.kind, k.label])) as Record<SessionNoteKind, string>;

export const SESSION_STATUS_LABELS: Record<SessionStatus, string> = { scheduled: "Scheduled", live: "Live", ended: "Ended" };

/** A length of time for people: "45 s", "12 min", "1 h 5 min". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** A running clock: "04:07", "1:02:03". */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Seconds between two instants (an open interval runs up to `now`). */
export function intervalSeconds(joinedAt: string, leftAt: string | null | undefined, now = Date.now()): number {
  const end = leftAt ? new Date(leftAt).getTime() : now;
  return Math.max(0, (end - new Date(joinedAt).getTime()) / 1000);
}

/** Who the session has at this moment: the participants with an open interval. */
export function presentParticipants(participants: SessionParticipant[]): string[] {
  return participants.filter((p) => p.intervals.some((i) => !i.left_at)).map((p) => p.user_id);
}

/** Attendance after `session.participant_joined` / `_left` (idempotent). */
export function applyAttendance(present: string[], userId: string, joined: boolean): string[] {
  const has = present.includes(userId);
  if (joined) return has ? present : [...present, userId];
  return has ? present.filter((id) => id !== userId) : present;
}

/**
 * What a room's session bar shows: its live session, and the next scheduled one (the
 * earliest planned time first; undated ones after, newest first as listed).
 */
export function currentSessions(sessions: Session[]): { live: Session | null; next: Session | null } {
  const live = sessions.find((s) => s.status === "live") ?? null;
  const scheduled = sessions.filter((s) => s.status === "scheduled");
  const dated = scheduled.filter((s) => s.scheduled_at).sort((a, b) => a.scheduled_at!.localeCompare(b.scheduled_at!));
  const next = dated[0] ?? scheduled.find((s) => !s.scheduled_at) ?? null;
  return { live, next };
}

/** Who may start and end a session: its host and the room's owner and moderators. */
export function canRunSession(s: Pick<Session, "host_id">, myId: string | undefined, canManage: boolean): boolean {
  return canManage || (Boolean(myId) && s.host_id === myId);
}

export interface SessionPages {
  pages: SessionPage[];
  pageParams: unknown[];
}

/** Replace a session in the loaded pages of a room's list, or put a new one first. */
export function upsertSession(data: SessionPages | undefined, s: Session): SessionPages | undefined {
  if (!data) return data;
  const found = data.pages.some((p) => p.items.some((x) => x.id === s.id));
  if (found) return { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((x) => (x.id === s.id ? s : x)) })) };
  const pages = data.pages.length ? [...data.pages] : [{ items: [] }];
  pages[0] = { ...pages[0], items: [s, ...pages[0].items] };
  return { ...data, pages };
}

export function removeSession(data: SessionPages | undefined, id: string): SessionPages | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((x) => x.id !== id) })) };
}

/** The loaded sessions of a room, one entry per id. */
export function flattenSessions(data: SessionPages | undefined): Session[] {
  const seen = new Set<string>();
  const out: Session[] = [];
  for (const p of data?.pages ?? [])
    for (const s of p.items) {
      if (seen.has(s.id)) continue;
      seen.add(s.id);
      out.push(s);
    }
  return out;
}

/**
 * A note inserted or replaced (oldest first); an older copy never replaces a newer edit,
 * so an event that arrives after the mutation's answer changes nothing.
 */
export function upsertNote(notes: SessionNote[] | undefined, n: SessionNote): SessionNote[] | undefined {
  if (!notes) return notes;
  const i = notes.findIndex((x) => x.id === n.id);
  if (i >= 0) {
    const cur = notes[i];
    if (cur.edited_at && (!n.edited_at || cur.edited_at > n.edited_at)) return notes;
    const next = [...notes];
    next[i] = n;
    return next;
  }
  return [...notes, n].sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export function removeNote(notes: SessionNote[] | undefined, id: string): SessionNote[] | undefined {
  if (!notes || !notes.some((n) => n.id === id)) return notes;
  return notes.filter((n) => n.id !== id);
}

/** Notes by kind, in NOTE_KINDS order, kinds without notes left out. */
export function groupNotes(notes: SessionNote[]): { kind: SessionNoteKind; label: string; notes: SessionNote[] }[] {
  return NOTE_KINDS.map((k) => ({ kind: k.kind, label: k.plural, notes: notes.filter((n) => n.kind === k.kind) })).filter((g) => g.notes.length > 0);
}

/** A `<input type="datetime-local">` value (the browser's zone) as RFC 3339, or null when empty or invalid. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** A file name for a session's Markdown export. */
export function exportFileName(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${slug || "session"}.md`;
}
