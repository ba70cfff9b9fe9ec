// What the end-to-end specs share: two users' browsers, screenshots, dev sign-in, finding messages, calling
// the API as a user (a dev token minted for them), and the accessibility check (./a11y.ts) run with each
// screenshot, on the sign-in page and on both users' pages at the end of each test.
import path from "node:path";
import { expect, test, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from "@playwright/test";
import { checkA11y } from "./a11y";
import { API_URL } from "./env";

export { checkA11y };

/** Screenshots go straight into the output folder (test-results/), which each run starts empty. */
export const shotPath = (name: string) => path.join(test.info().project.outputDir, `${name}.png`);

/** A screenshot of a step worth seeing, and the accessibility check of the page as shown. */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: shotPath(name), fullPage: false });
  await checkA11y(page, name);
}

export async function signIn(page: Page, user: { id: string; name: string }) {
  await page.goto("/sign-in");
  await expect(page.getByTestId("dev-user-id")).toBeVisible();
  await checkA11y(page, "sign-in");
  await page.getByTestId("dev-user-id").fill(user.id);
  await page.getByTestId("dev-display-name").fill(user.name);
  await page.getByTestId("dev-sign-in-submit").click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("dashboard")).toBeVisible();
}

export function messageByText(page: Page, text: string): Locator {
  return page.getByTestId("message").filter({ has: page.getByTestId("message-body").filter({ hasText: text }) });
}

export async function tokenFor(userId: string): Promise<string> {
  const r = await fetch(`${API_URL}/v1/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user_id: userId }),
  });
  expect(r.ok, `POST /v1/dev/token: ${r.status}`).toBe(true);
  return ((await r.json()) as { token: string }).token;
}

/** Calls the API as a user, as if from another device of theirs; asserts success. */
export async function apiAs<T>(userId: string, method: string, route: string, body?: unknown): Promise<T> {
  const r = await fetch(`${API_URL}${route}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${await tokenFor(userId)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(r.ok, `${method} ${route}: ${r.status} ${r.ok ? "" : await r.text()}`).toBe(true);
  return (r.status === 204 ? undefined : await r.json()) as T;
}

export interface TwoUsers {
  ctxA: BrowserContext;
  ctxB: BrowserContext;
  a: Page;
  b: Page;
}

/**
 * Alice's and Bob's browsers for a serial spec: made before its tests (`got` receives them),
 * a screenshot of each page when a test fails, any uncaught page error failing the test it
 * happened in, and both closed at the end.
 */
export function twoUsers(prefix: string, got: (u: TwoUsers) => void, options: { b?: BrowserContextOptions } = {}) {
  const pageErrors: string[] = [];
  let users: TwoUsers | undefined;
  test.describe.configure({ mode: "serial" });
  test.beforeAll(async ({ browser }) => {
    const ctxA = await browser.newContext();
    const ctxB = await browser.newContext(options.b);
    users = { ctxA, ctxB, a: await ctxA.newPage(), b: await ctxB.newPage() };
    for (const [p, who] of [
      [users.a, "alice"],
      [users.b, "bob"],
    ] as const) {
      p.on("pageerror", (e) => pageErrors.push(`${who} at ${p.url()}: ${e.stack || e.message}`));
    }
    got(users);
  });
  test.afterEach(async ({}, testInfo) => {
    // Where each user ended up is checked too (a page a test reached but took no shot of).
    if (users && testInfo.status === testInfo.expectedStatus) {
      await checkA11y(users.a, `${prefix}: alice at the end of "${testInfo.title}"`);
      await checkA11y(users.b, `${prefix}: bob at the end of "${testInfo.title}"`);
    }
    if (users && testInfo.status !== testInfo.expectedStatus) {
      for (const [p, who] of [
        [users.a, "alice"],
        [users.b, "bob"],
      ] as const) {
        if (p.isClosed()) continue;
        const file = shotPath(`${prefix}-failure-${who}`);
        await p.screenshot({ path: file }).then(
          () => testInfo.attachments.push({ name: `${prefix}-failure-${who}`, path: file, contentType: "image/png" }),
          () => undefined,
        );
      }
    }
    const errors = pageErrors.splice(0);
    expect(errors, "uncaught errors in the pages").toEqual([]);
  });
  test.afterAll(async () => {
    await users?.ctxA.close();
    await users?.ctxB.close();
  });
}

/** Runs `what` with the page in the dark theme (the app follows the system's), then back to light. */
export async function withDark(page: Page, what: () => Promise<void>) {
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  try {
    await what();
  } finally {
    await page.emulateMedia({ colorScheme: "light" });
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  }
}
