// The e2e's web server (Playwright's `webServer` command): checks the API, builds the app
// when the existing build is stale or was made for another API URL, then runs `next start`
// in the foreground until Playwright stops it.
// Environment: API_URL (default http://127.0.0.1:8080), WEB_PORT (resolved by
// playwright.config.ts), E2E_REBUILD=1 to force `next build`.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nextBin = path.join(webDir, "node_modules/next/dist/bin/next");
const apiUrl = (process.env.API_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");
const port = Number(process.env.WEB_PORT || 3000);

function log(...a) {
  console.log(`[e2e web ${new Date().toISOString().slice(11, 19)}]`, ...a);
}

function fail(message) {
  console.error(`e2e web server: ${message}`);
  process.exit(1);
}

function portFree(p) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(p, "localhost", () => s.close(() => resolve(true)));
  });
}

function newestSourceMtime() {
  let newest = 0;
  const walk = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ["src", "package.json", "next.config.ts", "postcss.config.mjs", "tsconfig.json"]) {
    const full = path.join(webDir, p);
    if (fs.existsSync(full)) walk(full);
  }
  return newest;
}

function builtClientContains(needle) {
  const dir = path.join(webDir, ".next", "static", "chunks");
  const walk = (d) =>
    fs.readdirSync(d, { withFileTypes: true }).some((e) => {
      const p = path.join(d, e.name);
      return e.isDirectory() ? walk(p) : e.name.endsWith(".js") && fs.readFileSync(p, "utf8").includes(needle);
    });
  try {
    return walk(dir);
  } catch {
    return false;
  }
}

/** The app's environment: the API URL is inlined at build time, and the dev sign-in is what the e2e drives (no Clerk). */
function appEnv() {
  const env = { ...process.env, NEXT_PUBLIC_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: "1", NEXT_IGNORE_INCORRECT_LOCKFILE: "1" };
  delete env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY;
  delete env.CLERK_SECRET_KEY;
  return env;
}

function ensureBuild() {
  const marker = path.join(webDir, ".next", "parley-api-url");
  const buildId = path.join(webDir, ".next", "BUILD_ID");
  // A build older than the sources is stale whatever it was built for.
  const hasBuild = fs.existsSync(buildId) && newestSourceMtime() <= fs.statSync(buildId).mtimeMs;
  if (hasBuild && !process.env.E2E_REBUILD && fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === apiUrl) {
    log(`reusing the build made for ${apiUrl}`);
    return;
  }
  // A plain `npm run build` leaves no marker: reuse it when its client code has this API URL inlined.
  // (A build made with Clerk keys cannot be told apart this way: E2E_REBUILD=1 forces a build.)
  if (hasBuild && !process.env.E2E_REBUILD && builtClientContains(JSON.stringify(apiUrl))) {
    fs.writeFileSync(marker, apiUrl);
    log(`reusing a build that has ${apiUrl} inlined`);
    return;
  }
  log(`building the app for NEXT_PUBLIC_API_URL=${apiUrl} (NEXT_PUBLIC_* is inlined at build time)…`);
  const r = spawnSync(process.execPath, [nextBin, "build"], { cwd: webDir, env: appEnv(), stdio: "inherit" });
  if (r.status !== 0) fail("next build failed");
  fs.writeFileSync(marker, apiUrl);
}

try {
  await fetch(`${apiUrl}/v1/me`);
} catch (e) {
  fail(`API not reachable at ${apiUrl} (${e.message}); start it with AUTH_MODE=dev or set API_URL`);
}
// The API allows cross-origin calls only from CORS_ORIGINS (default http://localhost:3000).
if (!(await portFree(port))) fail(`port ${port} is busy: stop what runs there or set WEB_PORT (and the API's CORS_ORIGINS)`);
ensureBuild();
log(`next start on http://localhost:${port}`);
const child = spawn(process.execPath, [nextBin, "start", "-H", "localhost", "-p", String(port)], {
  cwd: webDir,
  env: { ...appEnv(), PORT: String(port) },
  stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
