"use client";
import { useEffect, useState } from "react";
import { useRealtimeOptional } from "@/lib/realtime/provider";

/** Ephemeral room state from the socket: who is typing, who is online, read positions. */
export function useRoomLive(roomId: string, myUserId: string | undefined) {
  const rt = useRealtimeOptional();
  const [typing, setTyping] = useState<Record<string, number>>({});
  const [online, setOnline] = useState<string[] | null>(null);
  const [reads, setReads] = useState<Record<string, number>>({});

  useEffect(() => {
    setTyping({});
    setOnline(null);
    setReads({});
  }, [roomId]);

  useEffect(() => {
    if (!rt) return;
    const offE = rt.client.on("ephemeral", (f) => {
      if (f.room_id !== roomId) return;
      if (f.type === "typing" && f.user_id !== myUserId) setTyping((t) => ({ ...t, [f.user_id]: Date.now() + 5000 }));
      else if (f.type === "presence") setOnline(f.online);
      else if (f.type === "read") setReads((r) => ({ ...r, [f.user_id]: Math.max(r[f.user_id] ?? 0, f.seq) }));
    });
    // A message from someone ends their typing indicator.
    const offM = rt.client.on("event", (ev) => {
      if (ev.room_id !== roomId || ev.event !== "message.created") return;
      const author = ev.data.author_id;
      setTyping((t) => (author in t ? Object.fromEntries(Object.entries(t).filter(([k]) => k !== author)) : t));
    });
    return () => {
      offE();
      offM();
    };
  }, [rt, roomId, myUserId]);

  // Expire typing entries.
  useEffect(() => {
    if (Object.keys(typing).length === 0) return;
    const t = setInterval(() => {
      const now = Date.now();
      setTyping((cur) => {
        const next = Object.fromEntries(Object.entries(cur).filter(([, exp]) => exp > now));
        return Object.keys(next).length === Object.keys(cur).length ? cur : next;
      });
    }, 1000);
    return () => clearInterval(t);
  }, [typing]);

  return { typingIds: Object.keys(typing), online, reads };
}
