"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import type {
  AppNotification,
  MarkNotificationsRead,
  UpdateNotificationSettings,
  RoomNotificationLevel,
  SetRoomNotificationLevel,
} from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import { isBookingNotification, markNotificationsRead, upsertNotification, type NotificationPages } from "@/lib/notifications";
import { bookingsKey } from "./bookings";
import { applyMentionNotification, applyMentionsRead, unreadMentionsKey } from "./conversations";
import { refetchFresh } from "./fresh";

export const notificationsKey = ["notifications"] as const;
export const notificationListKey = ["notifications", "list"] as const;
export const unreadCountKey = ["notifications", "unread-count"] as const;
export const roomLevelKey = (roomId: string) => ["rooms", roomId, "notification-level"] as const;
export const notificationSettingsKey = ["notification-settings"] as const;
/** `/v1/me/notification-channels` (hooks in ./channels): its quiet hours are the do-not-disturb hours. */
export const notificationChannelsKey = ["notification-channels"] as const;

const PAGE = 30;

/** The bell's number. Kept live by the socket (see applyNotificationFrame). */
export function useUnreadCount() {
  const { signedIn } = useAuth();
  return useQuery({
    queryKey: unreadCountKey,
    queryFn: async () => (await unwrap(api.GET("/v1/notifications/unread-count"))).unread_count,
    enabled: signedIn,
    staleTime: 30_000,
  });
}

/** The panel's list, newest first; loaded while the panel is open. */
export function useNotificationList(enabled: boolean) {
  return useInfiniteQuery({
    queryKey: notificationListKey,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/notifications", { params: { query: { limit: PAGE, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
    staleTime: 0,
  });
}

// ---- what socket frames do to the cache ------------------------------------------------

function refreshCount(qc: QueryClient) {
  void qc.invalidateQueries({ queryKey: unreadCountKey });
}

export function applyNotification(qc: QueryClient, n: AppNotification) {
  qc.setQueryData<NotificationPages>(notificationListKey, (d) => upsertNotification(d, n));
  applyMentionNotification(qc, n);
  // A booking changed on the other side (booked, moved, cancelled): its page and lists ask again.
  if (isBookingNotification(n.kind)) void qc.invalidateQueries({ queryKey: bookingsKey });
  refreshCount(qc);
}

export function applyNotificationsRead(qc: QueryClient, ids: string[]) {
  qc.setQueryData<NotificationPages>(notificationListKey, (d) => markNotificationsRead(d, ids));
  applyMentionsRead(qc, ids);
  refreshCount(qc);
}

/** After (re)subscribing: anything fetched before may have missed frames. */
export function resyncNotifications(qc: QueryClient) {
  void qc.invalidateQueries({ queryKey: notificationsKey });
}

export function useMarkNotificationsRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MarkNotificationsRead) => unwrap(api.POST("/v1/notifications/read", { body })),
    onMutate: (body) => {
      const ids = "ids" in body ? body.ids : null;
      qc.setQueryData<NotificationPages>(notificationListKey, (d) => markNotificationsRead(d, ids));
      // "Up to a seq" may leave newer mentions unread: the list is fetched again on success.
      if (ids) applyMentionsRead(qc, ids);
    },
    onSuccess: (r, body) => {
      qc.setQueryData(unreadCountKey, r.unread_count);
      if (!("ids" in body)) void qc.invalidateQueries({ queryKey: unreadMentionsKey });
    },
    onError: () => resyncNotifications(qc),
  });
}

// ---- per-room level and my settings -----------------------------------------------------

export function useRoomNotificationLevel(roomId: string, enabled = true) {
  return useQuery({
    queryKey: roomLevelKey(roomId),
    queryFn: () => unwrap(api.GET("/v1/rooms/{room_id}/notification-level", { params: { path: { room_id: roomId } } })),
    enabled,
    staleTime: 60_000,
  });
}

/** Not optimistic: the menu shows what the API stored. */
export function useSetRoomNotificationLevel(roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SetRoomNotificationLevel) =>
      unwrap(api.PUT("/v1/rooms/{room_id}/notification-level", { params: { path: { room_id: roomId } }, body })),
    onSuccess: (v: RoomNotificationLevel) => qc.setQueryData(roomLevelKey(roomId), v),
  });
}

export function useNotificationSettings() {
  const { signedIn } = useAuth();
  return useQuery({
    queryKey: notificationSettingsKey,
    queryFn: () => unwrap(api.GET("/v1/me/notification-settings")),
    enabled: signedIn,
  });
}

export function useUpdateNotificationSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateNotificationSettings) => unwrap(api.PUT("/v1/me/notification-settings", { body })),
    onSuccess: (v) => {
      qc.setQueryData(notificationSettingsKey, v);
      // The same hours are the channels' quiet hours.
      void refetchFresh(qc, { queryKey: notificationChannelsKey });
    },
  });
}
