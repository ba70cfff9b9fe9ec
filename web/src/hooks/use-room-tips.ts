"use client";
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api/client";
import type { TipReceivedData } from "@/lib/realtime/frames";

/** A `tip.received` event of a room: shown as a system line at its place in the log. */
export interface RoomTip extends TipReceivedData {
  seq: number;
}

export const roomTipsKey = (roomId: string) => ["rooms", roomId, "tips"] as const;

/** Add a live tip to every loaded range of the room's tips (idempotent). */
export function addRoomTip(qc: QueryClient, roomId: string, tip: RoomTip) {
  qc.setQueriesData<RoomTip[]>({ queryKey: roomTipsKey(roomId) }, (d) =>
    d && !d.some((t) => t.seq === tip.seq) ? [...d, tip].sort((a, b) => a.seq - b.seq) : d,
  );
}

/**
 * The room's tips from `fromSeq` on (the oldest message loaded), read from the event log
 * once; live ones are added by the realtime provider.
 */
export function useRoomTips(roomId: string, fromSeq: number | null) {
  return useQuery({
    queryKey: [...roomTipsKey(roomId), fromSeq],
    queryFn: async () => {
      const out: RoomTip[] = [];
      let after = Math.max(0, (fromSeq ?? 1) - 1);
      for (let i = 0; i < 5; i++) {
        const page = await unwrap(
          api.GET("/v1/rooms/{room_id}/events", { params: { path: { room_id: roomId }, query: { after, limit: 1000 } } }),
        );
        for (const e of page.items) if (e.kind === "tip.received") out.push({ ...(e.data as unknown as TipReceivedData), seq: e.seq });
        if (page.items.length < 1000) break;
        after = page.items[page.items.length - 1].seq;
      }
      return out;
    },
    enabled: fromSeq !== null,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}
