/** Public configuration, inlined at build time. */
export const API_URL = (process.env.NEXT_PUBLIC_API_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");

/** ws:// (or wss://) form of the API URL. */
export const WS_URL = API_URL.replace(/^http/, "ws");

/** Clerk is used only when its publishable key is configured; otherwise the dev sign-in. */
export const CLERK_ENABLED = Boolean(process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY);
