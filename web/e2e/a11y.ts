// The accessibility check the specs run on every page they visit: axe-core (WCAG 2.1 A and
// AA rules), injected from node_modules (never a CDN: the tests run offline). A violation
// fails the test with a readable list (rule, impact, the elements' selectors) but lets the
// test go on, so one run reports every page's problems. Called by `shot()` and `signIn()`,
// at the end of each test for both users (see helpers.ts), and where a spec opens a page or
// a dialog it takes no screenshot of.
import { createRequire } from "node:module";
import type { AxeResults, RunOptions } from "axe-core";
import { expect, test, type Page } from "@playwright/test";
import { BASE_URL } from "./env";

const require = createRequire(import.meta.url);
const AXE_SOURCE = require.resolve("axe-core/axe.min.js");

/** WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string; summary: string }[];
}

/** One line per rule, one indented line per element. */
export function formatViolations(violations: Violation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    ${n.target}${n.summary ? `  — ${n.summary}` : ""}`).join("\n");
      return `  ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? "" : "s"})\n${nodes}`;
    })
    .join("\n");
}

/**
 * Runs axe on the page as it is now and fails the test (softly: it goes on) on any WCAG 2.1
 * AA violation. Pages outside the app (the fake Stripe's Checkout) are not ours to check.
 */
export async function checkA11y(page: Page, label: string) {
  if (page.isClosed() || !page.url().startsWith(BASE_URL)) return;
  await test.step(`axe: ${label}`, async () => {
    // Let what is loading settle, and colour transitions end (a theme switch or a hover
    // fades for 150 ms): a half-drawn page tells nothing. Endless animations (spinners) stay.
    await page.waitForLoadState("load");
    // After a client-side navigation Next.js writes the new page's <title> a moment later;
    // a page that never gets one still fails axe's document-title rule below.
    await page.waitForFunction(() => document.title.trim().length > 0, undefined, { timeout: 5_000 }).catch(() => undefined);
    await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
    await page.evaluate(() =>
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a instanceof CSSTransition)
          .map((a) => a.finished.catch(() => undefined)),
      ).then(() => undefined),
    );
    if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE_SOURCE });
    const options: RunOptions = { runOnly: { type: "tag", values: WCAG_TAGS }, resultTypes: ["violations"] };
    const violations = await page.evaluate(async (opts) => {
      const axe = (window as unknown as { axe: { run(ctx: Document, o: RunOptions): Promise<AxeResults> } }).axe;
      const r = await axe.run(document, opts);
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? "unknown",
        help: v.help,
        nodes: v.nodes.map((n) => ({
          target: n.target.map((t) => (Array.isArray(t) ? t.join(" >>> ") : String(t))).join(" "),
          // The first line of axe's explanation ("Fix any of the following: …") is noise.
          summary: (n.failureSummary ?? "").split("\n").slice(1).join(" ").replace(/\s+/g, " ").trim(),
        })),
      }));
    }, options);
    const theme = await page.evaluate(() => (document.documentElement.classList.contains("dark") ? "dark" : "light"));
    const where = `${label} (${new URL(page.url()).pathname}, ${theme} theme)`;
    const report = `axe: WCAG 2.1 AA violations on ${where}:\n${formatViolations(violations)}`;
    // The message is the readable list; the numbers below it are how many rules failed.
    expect.soft(violations.length, report).toBe(0);
  });
}
