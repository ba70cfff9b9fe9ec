"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createNote, deleteNote, getNote, listNotes, updateNote } from "@/lib/api/files";
import type { CreateNote, NoteView, UpdateNote } from "@/lib/api/types";

export const notesKey = ["notes"] as const;
export const noteKey = (id: string) => ["notes", "one", id] as const;

export interface NoteFilter {
  q: string;
  roomId: string;
  mine: boolean;
}

export const NOTES_PAGE = 20;

/** The library: public notes, notes of my rooms and mine, newest first, paged by cursor. */
export function useNotes(f: NoteFilter) {
  return useInfiniteQuery({
    queryKey: [...notesKey, "list", f],
    queryFn: ({ pageParam }) =>
      listNotes({ q: f.q || undefined, room_id: f.roomId || undefined, mine: f.mine || undefined, cursor: pageParam, limit: NOTES_PAGE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** One note. Each GET counts a view, so it is not refetched on focus. */
export function useNote(id: string) {
  return useQuery({
    queryKey: noteKey(id),
    queryFn: () => getNote(id),
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: false,
  });
}

export function useCreateNote() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateNote) => createNote(body),
    onSuccess: (note) => {
      qc.setQueryData(noteKey(note.id), note);
      void qc.invalidateQueries({ queryKey: [...notesKey, "list"] });
    },
  });
}

export function useUpdateNote(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateNote) => updateNote(id, body),
    onSuccess: (note) => {
      qc.setQueryData(noteKey(note.id), note);
      void qc.invalidateQueries({ queryKey: [...notesKey, "list"] });
    },
  });
}

export function useDeleteNote() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteNote(id),
    // The note's own query is left alone: removing it would refetch (404) while its page leaves.
    onSuccess: () => qc.invalidateQueries({ queryKey: [...notesKey, "list"] }),
  });
}

/** A download was counted by the server: show it without fetching the note again (that counts a view). */
export function useBumpDownloads() {
  const qc = useQueryClient();
  return (id: string) => qc.setQueryData<NoteView>(noteKey(id), (n) => (n ? { ...n, download_count: n.download_count + 1 } : n));
}
