// Browser (Web Push) notifications: the service worker in public/sw.js, a PushManager
// subscription made with the API's VAPID key, and that subscription registered with the API.
import { api, unwrap } from "./api/client";

export const SW_URL = "/sw.js";

export type PushState = "unsupported" | "blocked" | "off" | "on";

export function pushSupported(): boolean {
  return (
    typeof window !== "undefined" &&
    window.isSecureContext &&
    "serviceWorker" in navigator &&
    "PushManager" in window &&
    "Notification" in window
  );
}

/** base64url (VAPID public key) to the bytes `applicationServerKey` takes. */
export function base64UrlToBytes(b64url: string): Uint8Array<ArrayBuffer> {
  const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/").replace(/\s/g, "");
  const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const x = new Uint8Array(a);
  return x.every((v, i) => v === b[i]);
}

async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  return navigator.serviceWorker.getRegistration("/");
}

/** Where this browser stands: no support, notifications blocked, or subscribed or not. */
export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  const sub = await (await registration())?.pushManager.getSubscription();
  return sub && Notification.permission === "granted" ? "on" : "off";
}

export class PushPermissionError extends Error {
  constructor(readonly permission: NotificationPermission) {
    super(permission === "denied" ? "Notifications are blocked for this site in the browser's settings." : "Notifications were not allowed.");
    this.name = "PushPermissionError";
  }
}

/** Ask for permission, register the worker, subscribe and tell the API. */
export async function enablePush(): Promise<void> {
  const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
  if (permission !== "granted") throw new PushPermissionError(permission);
  const reg = await navigator.serviceWorker.register(SW_URL, { scope: "/" });
  await navigator.serviceWorker.ready;
  const { public_key } = await unwrap(api.GET("/v1/push/vapid-public-key"));
  const key = base64UrlToBytes(public_key);
  let sub = await reg.pushManager.getSubscription();
  // Made with another key (the API's changed): it cannot be reused.
  if (sub && !sameBytes(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const json = sub.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys?.auth) throw new Error("The browser gave an incomplete push subscription.");
  try {
    await unwrap(api.POST("/v1/push/subscriptions", { body: { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } } }));
  } catch (e) {
    await sub.unsubscribe().catch(() => undefined);
    throw e;
  }
}

/** Forget the subscription at the API, then in the browser. */
export async function disablePush(): Promise<void> {
  if (!pushSupported()) return;
  const sub = await (await registration())?.pushManager.getSubscription();
  if (!sub) return;
  await unwrap(api.DELETE("/v1/push/subscriptions", { body: { endpoint: sub.endpoint } }));
  await sub.unsubscribe();
}
