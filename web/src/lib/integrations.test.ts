import { describe, expect, it } from "vitest";
import { ApiError } from "./api/client";
import {
  callbackOutcome,
  connectedOn,
  EXPORT_POLL_MS,
  exportPhase,
  exportPollInterval,
  exportStateText,
  isConnected,
  isExportPending,
  isNotConnected,
  notionOf,
  outcomeMessage,
  tokenProblem,
  TOKEN_MAX,
  withoutOutcome,
} from "./integrations";

describe("the OAuth callback's outcome", () => {
  it("reads connected, denied and error from ?notion=", () => {
    expect(callbackOutcome(new URLSearchParams("notion=connected"))).toBe("connected");
    expect(callbackOutcome(new URLSearchParams("notion=denied"))).toBe("denied");
    expect(callbackOutcome(new URLSearchParams("a=1&notion=error"))).toBe("error");
    expect(callbackOutcome(new URLSearchParams("notion=%20Connected%20"))).toBe("connected");
  });

  it("ignores a missing or unknown value", () => {
    expect(callbackOutcome(new URLSearchParams(""))).toBeNull();
    expect(callbackOutcome(new URLSearchParams("notion="))).toBeNull();
    expect(callbackOutcome(new URLSearchParams("notion=hacked"))).toBeNull();
    expect(callbackOutcome(null)).toBeNull();
  });

  it("has a message for each outcome, with a tone", () => {
    expect(outcomeMessage("connected")).toEqual({ tone: "success", text: expect.stringMatching(/Notion is connected/) });
    expect(outcomeMessage("denied").tone).toBe("warning");
    expect(outcomeMessage("denied").text).toMatch(/not allowed/);
    expect(outcomeMessage("error").tone).toBe("error");
    expect(outcomeMessage("error").text).toMatch(/paste a token/);
  });

  it("cleans the query string of the outcome and keeps the rest", () => {
    expect(withoutOutcome("?notion=connected")).toBe("");
    expect(withoutOutcome("notion=denied")).toBe("");
    expect(withoutOutcome("?x=1&notion=error&y=two%20words")).toBe("?x=1&y=two+words");
    expect(withoutOutcome("")).toBe("");
  });
});

describe("the connection", () => {
  it("finds Notion in the list", () => {
    const at = "2027-03-04T10:00:00Z";
    const n = notionOf({ items: [{ provider: "notion", status: "connected", workspace_name: "Acme", connected_at: at }] });
    expect(n.workspace_name).toBe("Acme");
    expect(isConnected(n)).toBe(true);
  });

  it("is disconnected when Notion is not listed (or the list is not loaded)", () => {
    expect(notionOf({ items: [] })).toEqual({ provider: "notion", status: "disconnected" });
    expect(notionOf(undefined).status).toBe("disconnected");
    expect(isConnected(notionOf(undefined))).toBe(false);
    expect(isConnected({ status: "disconnected" })).toBe(false);
  });

  it("says since when", () => {
    expect(connectedOn("2027-03-04T10:00:00Z", "en-US")).toBe("Mar 4, 2027");
  });
});

describe("a pasted token", () => {
  it("takes Notion's token shapes", () => {
    expect(tokenProblem("ntn_parley_dev_token")).toBeNull();
    expect(tokenProblem("  secret_abcDEF123  ")).toBeNull();
  });

  it("says what is wrong", () => {
    expect(tokenProblem("")).toMatch(/Paste your Notion token/);
    expect(tokenProblem("   ")).toMatch(/Paste your Notion token/);
    expect(tokenProblem("ntn_abc def")).toMatch(/no spaces/);
    expect(tokenProblem("ntn_é")).toMatch(/exactly as Notion shows it/);
    expect(tokenProblem("x".repeat(TOKEN_MAX))).toBeNull();
    expect(tokenProblem("x".repeat(TOKEN_MAX + 1))).toMatch(/at most 500/);
  });
});

describe("an export's state", () => {
  const e = (status: string, error: string | null = null) => ({ status, error });

  it("knows the four states and nothing else", () => {
    expect(["queued", "running", "done", "failed"].map((s) => exportPhase(e(s)))).toEqual(["queued", "running", "done", "failed"]);
    expect(exportPhase(e("paused"))).toBeNull();
    expect(exportPhase(undefined)).toBeNull();
  });

  it("is asked about every second while queued or running, then no more", () => {
    expect(isExportPending(e("queued"))).toBe(true);
    expect(isExportPending(e("running"))).toBe(true);
    expect(exportPollInterval(e("queued"))).toBe(EXPORT_POLL_MS);
    expect(exportPollInterval(e("running"))).toBe(EXPORT_POLL_MS);
    for (const s of ["done", "failed", "paused"]) {
      expect(isExportPending(e(s))).toBe(false);
      expect(exportPollInterval(e(s))).toBe(false);
    }
    expect(exportPollInterval(undefined)).toBe(false);
  });

  it("is said in a sentence", () => {
    expect(exportStateText(e("queued"))).toBe("Export to Notion queued…");
    expect(exportStateText(e("queued", "retrying: Notion asked to wait 2 s"))).toBe(
      "Export to Notion waiting to try again (retrying: Notion asked to wait 2 s)…",
    );
    expect(exportStateText(e("running"))).toBe("Exporting to Notion…");
    expect(exportStateText(e("done"))).toBe("Exported to Notion.");
    expect(exportStateText(e("paused"))).toBe("Export to Notion: paused.");
  });

  it("says why it failed, once punctuated", () => {
    expect(exportStateText(e("failed", "Notion is no longer connected: connect it again and export"))).toBe(
      "The export to Notion failed: Notion is no longer connected: connect it again and export.",
    );
    expect(exportStateText(e("failed", "Notion refused the export: bad block."))).toBe("The export to Notion failed: Notion refused the export: bad block.");
    expect(exportStateText(e("failed"))).toBe("The export to Notion failed: no reason was given.");
  });

  it("tells a refusal for want of a connection from other errors", () => {
    expect(isNotConnected(new ApiError(409, "integration_not_connected", "Conflict", "connect Notion first"))).toBe(true);
    expect(isNotConnected(new ApiError(409, "conflict", "Conflict"))).toBe(false);
    expect(isNotConnected(new ApiError(404, "not_found", "Not found"))).toBe(false);
    expect(isNotConnected(new Error("integration_not_connected"))).toBe(false);
  });
});
