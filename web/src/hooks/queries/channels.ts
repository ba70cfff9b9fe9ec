"use client";
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import type { ChannelPrefs, UpdateChannelPrefs } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import { refetchFresh } from "./fresh";
import { notificationChannelsKey, notificationSettingsKey } from "./notifications";

/** One user's channels: the auth user id is part of the key, so switching dev users never shows another's. */
export const channelsKey = (userId: string | null) => [...notificationChannelsKey, userId] as const;

/**
 * Which channels carry each kind of notice, the verified phone and the address they go to,
 * and quiet hours. Asked again whenever shown: a STOP texted back or a bounce changes it.
 */
export function useChannels() {
  const { signedIn, user } = useAuth();
  return useQuery({
    queryKey: channelsKey(user?.id ?? null),
    queryFn: () => unwrap(api.GET("/v1/me/notification-channels")),
    enabled: signedIn,
    staleTime: 0,
  });
}

/**
 * The API's answer to a save, as it is: the page shows what was stored. Quiet hours are the
 * do-not-disturb hours of the notification settings, so those are asked again (a fetch of
 * them in flight may predate the save: see refetchFresh).
 */
export function storeChannels(qc: QueryClient, userId: string | null, saved: ChannelPrefs): Promise<void> {
  qc.setQueryData(channelsKey(userId), saved);
  return refetchFresh(qc, { queryKey: notificationSettingsKey });
}

/** Save the channels (PUT takes back exactly what GET gave; 422 for a digest by text or push). */
export function useUpdateChannels() {
  const qc = useQueryClient();
  const { user } = useAuth();
  const userId = user?.id ?? null;
  return useMutation({
    mutationFn: (body: UpdateChannelPrefs) => unwrap(api.PUT("/v1/me/notification-channels", { body })),
    onSuccess: (saved) => storeChannels(qc, userId, saved),
  });
}
