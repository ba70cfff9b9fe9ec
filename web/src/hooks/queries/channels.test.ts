import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import type { ChannelPrefs } from "@/lib/api/types";
import { channelsKey, storeChannels } from "./channels";
import { notificationSettingsKey } from "./notifications";

const saved: ChannelPrefs = {
  channels: {
    booking_confirmed: { email: false, sms: false, push: true },
    booking_changed: { email: true, sms: false, push: true },
    booking_reminder: { email: true, sms: true, push: true },
    digest: { email: true, sms: false, push: false },
    lecture_reminder: { email: true, sms: true, push: true },
  },
  phone: null,
  email: { address: "kenji@example.com", bouncing: false },
  quiet_hours: { start: "22:30", end: "07:00", time_zone: "Asia/Tokyo" },
};

describe("channel keys", () => {
  it("are per user, under one prefix", () => {
    expect(channelsKey("user_a")).toEqual(["notification-channels", "user_a"]);
    expect(channelsKey(null)).toEqual(["notification-channels", null]);
  });
});

describe("storeChannels", () => {
  it("keeps the API's answer as the user's channels, and no one else's", async () => {
    const qc = new QueryClient();
    qc.setQueryData(channelsKey("user_b"), "bob's");
    await storeChannels(qc, "user_a", saved);
    expect(qc.getQueryData(channelsKey("user_a"))).toEqual(saved);
    expect(qc.getQueryData(channelsKey("user_b"))).toBe("bob's");
  });

  it("asks the notification settings again, even when a first fetch of them is in flight (it may predate the save)", async () => {
    const qc = new QueryClient();
    let calls = 0;
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const observer = new QueryObserver<string>(qc, {
      queryKey: notificationSettingsKey,
      queryFn: async () => {
        calls += 1;
        if (calls === 1) {
          await slow;
          return "dnd off (read before the save)";
        }
        return "dnd 22:30–07:00";
      },
    });
    const stop = observer.subscribe(() => undefined);
    expect(qc.isFetching({ queryKey: notificationSettingsKey })).toBe(1);
    const stored = storeChannels(qc, "user_a", saved);
    release();
    await stored;
    await vi.waitFor(() => expect(qc.getQueryData(notificationSettingsKey)).toBe("dnd 22:30–07:00"));
    expect(calls).toBe(2);
    stop();
  });
});
