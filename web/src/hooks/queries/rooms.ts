"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import type { CreateRoom, MemberRole, Room, UpdateRoom } from "@/lib/api/types";

export const roomKey = (id: string) => ["rooms", id] as const;
export const membersKey = (id: string) => ["rooms", id, "members"] as const;

export function useRoomDirectory(q: string) {
  return useInfiniteQuery({
    queryKey: ["rooms", "list", q],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/rooms", {
          params: { query: { q: q || undefined, cursor: pageParam ?? undefined, limit: 30 } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useRoom(id: string) {
  return useQuery({
    queryKey: roomKey(id),
    queryFn: () => unwrap(api.GET("/v1/rooms/{room_id}", { params: { path: { room_id: id } } })),
  });
}

function useRoomListInvalidation() {
  const qc = useQueryClient();
  return (room?: Room) => {
    if (room) qc.setQueryData(roomKey(room.id), room);
    void qc.invalidateQueries({ queryKey: ["rooms", "list"] });
    void qc.invalidateQueries({ queryKey: ["conversations"] });
  };
}

export function useCreateRoom() {
  const done = useRoomListInvalidation();
  return useMutation({
    mutationFn: (body: CreateRoom) => unwrap(api.POST("/v1/rooms", { body })),
    onSuccess: (room) => done(room),
  });
}

export function useUpdateRoom(id: string) {
  const done = useRoomListInvalidation();
  return useMutation({
    mutationFn: (body: UpdateRoom) =>
      unwrap(api.PATCH("/v1/rooms/{room_id}", { params: { path: { room_id: id } }, body })),
    onSuccess: (room) => done(room),
  });
}

export function useDeleteRoom(id: string) {
  const done = useRoomListInvalidation();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/rooms/{room_id}", { params: { path: { room_id: id } } })),
    onSuccess: () => done(),
  });
}

export function useJoinRoom() {
  const qc = useQueryClient();
  const done = useRoomListInvalidation();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/v1/rooms/{room_id}/join", { params: { path: { room_id: id } } })),
    onSuccess: (_data, id) => {
      done();
      void qc.invalidateQueries({ queryKey: roomKey(id), exact: true });
      void qc.invalidateQueries({ queryKey: membersKey(id) });
    },
  });
}

export function useLeaveRoom() {
  const qc = useQueryClient();
  const done = useRoomListInvalidation();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/v1/rooms/{room_id}/leave", { params: { path: { room_id: id } } })),
    onSuccess: (_data, id) => {
      done();
      void qc.invalidateQueries({ queryKey: roomKey(id), exact: true });
    },
  });
}

/**
 * Hand the room to another member (owner only): they become its owner, I a moderator. An
 * owner who wants to leave while others stay does this first.
 */
export function useTransferRoom(id: string) {
  const qc = useQueryClient();
  const done = useRoomListInvalidation();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.POST("/v1/rooms/{room_id}/transfer", { params: { path: { room_id: id } }, body: { user_id: userId } })),
    onSuccess: () => {
      done();
      void qc.invalidateQueries({ queryKey: roomKey(id), exact: true });
      void qc.invalidateQueries({ queryKey: membersKey(id) });
    },
  });
}

export function useMembers(id: string, enabled = true) {
  return useQuery({
    queryKey: membersKey(id),
    queryFn: () => unwrap(api.GET("/v1/rooms/{room_id}/members", { params: { path: { room_id: id } } })),
    enabled,
  });
}

export function useInvite(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { user_id: string; role?: Exclude<MemberRole, "owner"> }) =>
      unwrap(api.POST("/v1/rooms/{room_id}/members", { params: { path: { room_id: id } }, body: v })),
    onSuccess: () => qc.invalidateQueries({ queryKey: membersKey(id) }),
  });
}

export function useKick(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.DELETE("/v1/rooms/{room_id}/members/{user_id}", { params: { path: { room_id: id, user_id: userId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: membersKey(id) }),
  });
}
