import createClient, { type Middleware } from "openapi-fetch";
import type { ApiPaths } from "./types";
import { problemMessage } from "./problems";
import { API_URL } from "../env";

/** RFC 9457 problem details, raised for every non-2xx answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly title: string,
    readonly detail?: string,
    /** With `payment_declined`: the card's decline code, when the provider gave one. */
    readonly declineCode?: string,
  ) {
    super(detail || title || `HTTP ${status}`);
    this.name = "ApiError";
  }
}

type TokenProvider = () => Promise<string | null>;
let tokenProvider: TokenProvider = async () => null;
let tokenRefresher: TokenProvider | null = null;

/**
 * The auth layer registers how to get a bearer token, and optionally how to get a fresh
 * one when the API answers 401 (a dev API restarted with a new signing key, a revoked
 * session); the client stays auth-agnostic.
 */
export function setTokenProvider(fn: TokenProvider, refresh?: TokenProvider) {
  tokenProvider = fn;
  tokenRefresher = refresh ?? null;
}

export function getToken(): Promise<string | null> {
  return tokenProvider();
}

/** A fresh token after a 401 (null when the auth layer has no way to refresh). */
export function refreshToken(): Promise<string | null> {
  return tokenRefresher ? tokenRefresher() : Promise.resolve(null);
}

// Copies of in-flight requests, so a 401 can be retried once with a fresh token.
const retryCopies = new Map<string, Request>();

const auth: Middleware = {
  async onRequest({ request, id }) {
    const token = await tokenProvider();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    if (token && tokenRefresher) retryCopies.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const copy = retryCopies.get(id);
    retryCopies.delete(id);
    if (response.status !== 401 || !copy || !tokenRefresher) return response;
    const fresh = await tokenRefresher();
    if (!fresh) return response;
    copy.headers.set("Authorization", `Bearer ${fresh}`);
    return fetch(copy);
  },
  onError({ id }) {
    retryCopies.delete(id);
  },
};

export const api = createClient<ApiPaths>({ baseUrl: API_URL });
api.use(auth);

function toApiError(error: unknown, response: Response): ApiError {
  const p = (error && typeof error === "object" ? error : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return new ApiError(
    response.status,
    str(p.code),
    str(p.title) ?? response.statusText ?? "Request failed",
    str(p.detail) ?? (typeof error === "string" ? error : undefined),
    str(p.decline_code),
  );
}

/** Turn an openapi-fetch result into its data, or throw an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (e) {
    // fetch itself failed: offline, DNS, CORS, API down.
    throw new ApiError(0, "network_error", "Network error", e instanceof Error ? e.message : String(e));
  }
  if (!result.response.ok) throw toApiError(result.error, result.response);
  return result.data as T;
}

/** What to show a person: a sentence for a known problem code, else the server's detail. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return problemMessage(e.code, e.declineCode) ?? (e.detail || e.title);
  if (e instanceof Error) return e.message;
  return "Something went wrong";
}
