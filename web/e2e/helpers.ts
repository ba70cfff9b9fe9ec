// What both end-to-end specs use: screenshots, dev sign-in, finding messages, and calling
// the API as a user (a dev token minted for them).
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { API_URL } from "./env";

/** Screenshots go straight into the output folder (test-results/), which each run starts empty. */
export const shotPath = (name: string) => path.join(test.info().project.outputDir, `${name}.png`);

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: shotPath(name), fullPage: false });
}

export async function signIn(page: Page, user: { id: string; name: string }) {
  await page.goto("/sign-in");
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
