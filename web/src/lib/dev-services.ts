// Where the offline test services are, for the dev pages' route handlers (server side only):
// MailDev's REST API (MAILDEV_API, e.g. http://127.0.0.1:12081/api) and the fake Twilio
// (FAKE_TWILIO_URL, e.g. http://127.0.0.1:12132). Read at request time. Unset, a dev
// server (`next dev`) uses their usual local addresses; a production server has none, and
// the routes answer 404.

export type DevService = "maildev" | "twilio";

const VARS: Record<DevService, { name: "MAILDEV_API" | "FAKE_TWILIO_URL"; local: string }> = {
  maildev: { name: "MAILDEV_API", local: "http://127.0.0.1:1080/api" },
  twilio: { name: "FAKE_TWILIO_URL", local: "http://127.0.0.1:12131" },
};

type Env = Record<string, string | undefined>;

/** The service's base URL (no trailing slash), or null when this server has none. */
export function devServiceUrl(service: DevService, env: Env = process.env): string | null {
  const v = VARS[service];
  const set = env[v.name]?.trim();
  if (set) return /^https?:\/\//i.test(set) ? set.replace(/\/+$/, "") : null;
  return env.NODE_ENV !== "production" ? v.local : null;
}

/** What the routes answer when this server has no such service. */
export function devOnly(): Response {
  return Response.json({ error: "dev only" }, { status: 404, headers: { "cache-control": "no-store" } });
}

/** What the routes answer when the service did not answer. */
export function unreachable(service: DevService, base: string, detail: string): Response {
  const what = service === "maildev" ? "MailDev" : "The fake Twilio";
  return Response.json({ error: `${what} did not answer at ${base} (${detail})` }, { status: 502, headers: { "cache-control": "no-store" } });
}

/** A GET of the service, never cached, with a deadline. */
export async function fetchService(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, cache: "no-store", signal: AbortSignal.timeout(10_000) });
}

export const noStore = { "cache-control": "no-store" } as const;
