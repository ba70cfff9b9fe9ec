"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient, type QueryKey } from "@tanstack/react-query";
import { api, ApiError, unwrap } from "@/lib/api/client";
import type { CreateSession, CreateSessionNote, Session, SessionNote, UpdateSessionNote } from "@/lib/api/types";
import type { RoomEvent } from "@/lib/realtime/frames";
import { refetchFresh } from "./fresh";
import { applyAttendance, presentParticipants, removeNote, removeSession, upsertNote, upsertSession, type SessionPages } from "@/lib/sessions";

export const roomSessionsKey = (roomId: string) => ["rooms", roomId, "sessions"] as const;
export const sessionKey = (id: string) => ["sessions", id] as const;
export const sessionNotesKey = (id: string) => ["sessions", id, "notes"] as const;
export const sessionPresentKey = (id: string) => ["sessions", id, "present"] as const;
export const sessionRecordKey = (id: string) => ["sessions", id, "record"] as const;

const LIST_PAGE = 20;
const TRANSCRIPT_PAGE = 50;

// ---- reading -------------------------------------------------------------------------------

/** A room's sessions, newest first; `session.*` events keep the loaded pages current. */
export function useRoomSessions(roomId: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: roomSessionsKey(roomId),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/rooms/{room_id}/sessions", {
          params: { path: { room_id: roomId }, query: { cursor: pageParam ?? undefined, limit: LIST_PAGE } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
}

export function useSession(id: string | null | undefined) {
  return useQuery({
    queryKey: sessionKey(id ?? ""),
    queryFn: () => unwrap(api.GET("/v1/sessions/{session_id}", { params: { path: { session_id: id! } } })),
    enabled: Boolean(id),
  });
}

/** The notes I see in a session (shared ones and my own), oldest first; live from events. */
export function useSessionNotes(id: string | null | undefined) {
  return useQuery({
    queryKey: sessionNotesKey(id ?? ""),
    queryFn: async () => (await unwrap(api.GET("/v1/sessions/{session_id}/notes", { params: { path: { session_id: id! } } }))).items,
    enabled: Boolean(id),
    staleTime: Infinity,
  });
}

/**
 * Who attends a live session now: the open intervals of its record when first asked, then
 * `session.participant_joined` / `_left` events.
 */
export function useSessionPresent(id: string | null | undefined) {
  return useQuery({
    queryKey: sessionPresentKey(id ?? ""),
    queryFn: async () => {
      const r = await unwrap(api.GET("/v1/sessions/{session_id}/record", { params: { path: { session_id: id! }, query: { limit: 1 } } }));
      return presentParticipants(r.participants);
    },
    enabled: Boolean(id),
    staleTime: Infinity,
  });
}

/** A session's record; more of its transcript pages in with `fetchNextPage`. */
export function useSessionRecord(id: string) {
  return useInfiniteQuery({
    queryKey: sessionRecordKey(id),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/sessions/{session_id}/record", {
          params: { path: { session_id: id }, query: { cursor: pageParam ?? undefined, limit: TRANSCRIPT_PAGE } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.transcript.next_cursor ?? undefined,
    staleTime: 0,
  });
}

// ---- the cache, from the API's answers and from room events --------------------------------------

/**
 * Apply an event to a cached answer; while that answer is being fetched it may predate the
 * event, so it is fetched again (`refetchFresh`); an answer not asked for yet needs nothing.
 */
export function patchOrRefetch<T>(qc: QueryClient, key: QueryKey, fn: (d: T | undefined) => T | undefined) {
  if (qc.isFetching({ queryKey: key, exact: true }) > 0) {
    void refetchFresh(qc, { queryKey: key, exact: true });
  } else qc.setQueryData<T>(key, fn);
}

function storeSession(qc: QueryClient, s: Session) {
  qc.setQueryData(sessionKey(s.id), s);
  patchOrRefetch<SessionPages>(qc, roomSessionsKey(s.room_id), (d) => upsertSession(d, s));
}

function patchNotes(qc: QueryClient, sessionId: string, fn: (n: SessionNote[] | undefined) => SessionNote[] | undefined) {
  patchOrRefetch(qc, sessionNotesKey(sessionId), fn);
}

/** Apply one `session.*` room event to the cache (others are ignored). */
export function applySessionEvent(qc: QueryClient, ev: RoomEvent) {
  switch (ev.event) {
    case "session.scheduled":
    case "session.updated":
      storeSession(qc, ev.data);
      break;
    case "session.deleted":
      patchOrRefetch<SessionPages>(qc, roomSessionsKey(ev.data.room_id), (d) => removeSession(d, ev.data.id));
      qc.removeQueries({ queryKey: sessionKey(ev.data.id) });
      break;
    case "session.started":
    case "session.ended":
      storeSession(qc, ev.data);
      if (ev.event === "session.ended") {
        qc.setQueryData<string[]>(sessionPresentKey(ev.data.id), (d) => (d ? [] : d));
        void refetchFresh(qc, { queryKey: sessionRecordKey(ev.data.id) });
      } else {
        // Who attends is asked again: members who had the room open start at once.
        void refetchFresh(qc, { queryKey: sessionPresentKey(ev.data.id) });
      }
      break;
    case "session.participant_joined":
    case "session.participant_left":
      patchOrRefetch<string[]>(qc, sessionPresentKey(ev.data.session_id), (d) =>
        d ? applyAttendance(d, ev.data.user_id, ev.event === "session.participant_joined") : d,
      );
      break;
    case "session.note_created":
    case "session.note_updated":
      patchNotes(qc, ev.data.session_id, (d) => upsertNote(d, ev.data));
      break;
    case "session.note_deleted":
      patchNotes(qc, ev.data.session_id, (d) => removeNote(d, ev.data.id));
      break;
  }
}

// ---- changing ------------------------------------------------------------------------------------

/** The room's list is asked again after a refusal that says it is out of date. */
function refreshOnConflict(qc: QueryClient, roomId: string, e: unknown) {
  if (e instanceof ApiError && (e.status === 409 || e.status === 404)) void qc.invalidateQueries({ queryKey: roomSessionsKey(roomId) });
}

export function useCreateSession(roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSession) => unwrap(api.POST("/v1/rooms/{room_id}/sessions", { params: { path: { room_id: roomId } }, body })),
    onSuccess: (s) => storeSession(qc, s),
  });
}

export function useStartSession(roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/v1/sessions/{session_id}/start", { params: { path: { session_id: id } }, body: {} })),
    onSuccess: (s) => {
      storeSession(qc, s);
      void qc.invalidateQueries({ queryKey: sessionPresentKey(s.id) });
    },
    onError: (e) => refreshOnConflict(qc, roomId, e),
  });
}

export function useEndSession(roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/v1/sessions/{session_id}/end", { params: { path: { session_id: id } }, body: {} })),
    onSuccess: (s) => {
      storeSession(qc, s);
      qc.setQueryData<string[]>(sessionPresentKey(s.id), (d) => (d ? [] : d));
    },
    onError: (e) => refreshOnConflict(qc, roomId, e),
  });
}

export function useDeleteSession(roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/sessions/{session_id}", { params: { path: { session_id: id } } })).then(() => id),
    onSuccess: (id) => {
      qc.setQueryData<SessionPages>(roomSessionsKey(roomId), (d) => removeSession(d, id));
      qc.removeQueries({ queryKey: sessionKey(id) });
    },
    onError: (e) => refreshOnConflict(qc, roomId, e),
  });
}

/**
 * Take a note. The caller gives each note its `client_note_id` once (crypto.randomUUID), so
 * sending it again after a network error returns the same note instead of a second one.
 */
export function useCreateSessionNote(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSessionNote) =>
      unwrap(api.POST("/v1/sessions/{session_id}/notes", { params: { path: { session_id: sessionId } }, body })),
    onSuccess: (n) => patchNotes(qc, sessionId, (d) => upsertNote(d, n)),
  });
}

export function useUpdateSessionNote(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; body: UpdateSessionNote }) =>
      unwrap(api.PATCH("/v1/session-notes/{note_id}", { params: { path: { note_id: v.id } }, body: v.body })),
    // A box ticked shows ticked at once; a refusal puts the notes as the server has them.
    onMutate: (v) => {
      const done = v.body.done;
      if (typeof done === "boolean")
        qc.setQueryData<SessionNote[]>(sessionNotesKey(sessionId), (d) => d?.map((n) => (n.id === v.id ? { ...n, done } : n)));
    },
    onError: () => void qc.invalidateQueries({ queryKey: sessionNotesKey(sessionId), exact: true }),
    onSuccess: (n) => patchNotes(qc, sessionId, (d) => upsertNote(d, n)),
  });
}

export function useDeleteSessionNote(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/session-notes/{note_id}", { params: { path: { note_id: id } } })).then(() => id),
    onSuccess: (id) => patchNotes(qc, sessionId, (d) => removeNote(d, id)),
  });
}
