// Settings shared by playwright.config.ts and the specs, all from the environment:
//   API_URL         the API (AUTH_MODE=dev; CORS_ORIGINS must allow the app's origin), default http://127.0.0.1:8080
//   WEB_PORT        the app's port, default 3000 (the API's default CORS origin); 0 picks a free one
//   CHROMIUM_PATH   Debian's Chromium, default /usr/bin/chromium (no browser is downloaded)
//   E2E_TIMEOUT_MS  per action and per assertion, default 15000
//   E2E_REBUILD=1   force `next build` (see e2e/web-server.mjs)
import { spawnSync } from "node:child_process";

export const API_URL = (process.env.API_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const STEP_TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 15_000);

// Resolved once, in the runner: its workers load this module again and inherit the choice.
if (process.env.WEB_PORT === "0") {
  const probe = "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  process.env.WEB_PORT = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" }).stdout.trim();
}
export const WEB_PORT = Number(process.env.WEB_PORT || 3000);
export const BASE_URL = `http://localhost:${WEB_PORT}`;
