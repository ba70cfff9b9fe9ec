// Parley's service worker: shows Web Push notifications and opens the room on click.
// Plain JS, no imports. Payload (JSON): {notification_id, kind, room_id, message_id, room_seq, title, body}.
"use strict";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

/** The app path a payload leads to; only our own room URLs, never a URL from the payload. */
function targetPath(p) {
  if (!p || typeof p.room_id !== "string" || !UUID.test(p.room_id)) return "/dashboard";
  const seq = Number.isSafeInteger(p.room_seq) && p.room_seq > 0 ? `?seq=${p.room_seq}` : "";
  const hash = typeof p.message_id === "string" && UUID.test(p.message_id) ? `#m-${p.message_id}` : "";
  return `/rooms/${p.room_id}${seq}${hash}`;
}

function parsePayload(data) {
  if (!data) return {};
  try {
    const v = data.json();
    return v && typeof v === "object" ? v : {};
  } catch {
    return { body: data.text() };
  }
}

self.addEventListener("push", (event) => {
  const p = parsePayload(event.data);
  const title = typeof p.title === "string" && p.title ? p.title : "Parley";
  const options = {
    body: typeof p.body === "string" ? p.body : "",
    // One notification per Parley notification: a coalesced update replaces the shown one.
    tag: typeof p.notification_id === "string" ? p.notification_id : undefined,
    renotify: typeof p.notification_id === "string",
    data: { path: targetPath(p), notificationId: p.notification_id || null },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.path) || "/dashboard";
  const url = new URL(path, self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const ours = windows.filter((c) => new URL(c.url).origin === self.location.origin);
      const same = ours.find((c) => c.url === url);
      if (same) return same.focus();
      const win = ours.find((c) => c.focused) || ours[0];
      if (win) {
        try {
          const focused = await win.focus();
          if ("navigate" in focused) return await focused.navigate(url);
        } catch {
          /* not controlled by this worker: open a window instead */
        }
      }
      return self.clients.openWindow(url);
    })(),
  );
});
