// Pure helpers for the Connections page and the Notion export of a session's record: what
// the OAuth callback's `?notion=` says, Notion's entry of the connections list, a pasted
// token checked as the API checks it, and an export's state in words (and whether to keep
// asking about it). No I/O; unit tested.
import { ApiError } from "./api/client";
import type { Integration, IntegrationList, SessionExport } from "./api/types";

export const NOTION = "notion";
/** The API's limit for a pasted token (see NotionToken). */
export const TOKEN_MAX = 500;
/** How often an export still queued or running is asked about. */
export const EXPORT_POLL_MS = 1000;

// ---- Back from Notion's consent page ---------------------------------------------------------

/** Where the API's OAuth callback sends the browser: `/connections?notion=<outcome>`. */
export type CallbackOutcome = "connected" | "denied" | "error";
const OUTCOMES: readonly CallbackOutcome[] = ["connected", "denied", "error"];

/** The callback's outcome in a query string, or null (absent, or a value we do not know). */
export function callbackOutcome(params: { get(name: string): string | null } | null | undefined): CallbackOutcome | null {
  const v = params?.get(NOTION)?.trim().toLowerCase();
  return v && (OUTCOMES as readonly string[]).includes(v) ? (v as CallbackOutcome) : null;
}

export type Tone = "success" | "warning" | "error";

/** What to tell the person who just came back from Notion. */
export function outcomeMessage(o: CallbackOutcome): { tone: Tone; text: string } {
  switch (o) {
    case "connected":
      return { tone: "success", text: "Notion is connected. You can now export session records to it." };
    case "denied":
      return { tone: "warning", text: "Notion was not connected: access was not allowed. Connect again whenever you like." };
    case "error":
      return { tone: "error", text: "Notion could not be connected. Try again, or paste a token instead." };
  }
}

/**
 * The query string without the callback's `notion` (what the address bar keeps once the
 * message is shown): "" when nothing else is left, else "?…".
 */
export function withoutOutcome(search: string): string {
  const q = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  q.delete(NOTION);
  const rest = q.toString();
  return rest ? `?${rest}` : "";
}

// ---- The connection ----------------------------------------------------------------------------

/** Notion's entry of the list (the API always lists it; disconnected when it is missing). */
export function notionOf(list: IntegrationList | undefined): Integration {
  return list?.items.find((i) => i.provider === NOTION) ?? { provider: NOTION, status: "disconnected" };
}

export const isConnected = (i: Pick<Integration, "status"> | undefined): boolean => i?.status === "connected";

/** "Mar 4, 2027": when a connection was made, in the browser's language (or `locale`). */
export function connectedOn(iso: string, locale?: string): string {
  return new Date(iso).toLocaleDateString(locale, { year: "numeric", month: "short", day: "numeric" });
}

/** Why a pasted token cannot be sent as it is, or null (Notion itself says whether it works). */
export function tokenProblem(raw: string): string | null {
  const t = raw.trim();
  if (!t) return "Paste your Notion token.";
  if (t.length > TOKEN_MAX) return `A Notion token is at most ${TOKEN_MAX} characters: paste just the token.`;
  if (/\s/.test(t)) return "A Notion token has no spaces: paste it exactly as Notion shows it.";
  if (!/^[\x21-\x7E]+$/.test(t)) return "A Notion token has only plain letters, digits and symbols: paste it exactly as Notion shows it.";
  return null;
}

// ---- An export ------------------------------------------------------------------------------------

export type ExportPhase = "queued" | "running" | "done" | "failed";
const PHASES: readonly ExportPhase[] = ["queued", "running", "done", "failed"];

/** The export's state, or null for a state this app does not know. */
export function exportPhase(e: Pick<SessionExport, "status"> | undefined): ExportPhase | null {
  return e && (PHASES as readonly string[]).includes(e.status) ? (e.status as ExportPhase) : null;
}

/** Still on its way: queued (or queued again after a hiccup) or being written. */
export function isExportPending(e: Pick<SessionExport, "status"> | undefined): boolean {
  const p = exportPhase(e);
  return p === "queued" || p === "running";
}

/** TanStack Query's `refetchInterval` for an export: every second while pending, else stop. */
export function exportPollInterval(e: Pick<SessionExport, "status"> | undefined): number | false {
  return isExportPending(e) ? EXPORT_POLL_MS : false;
}

/** An export's state in a sentence (shown, and read out as it changes). */
export function exportStateText(e: Pick<SessionExport, "status" | "error">): string {
  const why = e.error?.trim();
  switch (exportPhase(e)) {
    case "queued":
      // Queued with an error: the last try hit a passing problem and will be retried.
      return why ? `Export to Notion waiting to try again (${why})…` : "Export to Notion queued…";
    case "running":
      return "Exporting to Notion…";
    case "done":
      return "Exported to Notion.";
    case "failed":
      return `The export to Notion failed: ${why || "no reason was given"}.`.replace(/([.!?])\.$/, "$1");
    default:
      return `Export to Notion: ${e.status}.`;
  }
}

/** The API's answer when Notion is not connected (409 `integration_not_connected`). */
export function isNotConnected(e: unknown): boolean {
  return e instanceof ApiError && e.code === "integration_not_connected";
}
