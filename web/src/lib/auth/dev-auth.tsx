"use client";
// Dev sign-in: the API (AUTH_MODE=dev) mints a short-lived JWT for any user id.
// The token is kept in localStorage and re-minted shortly before it expires.
import createClient from "openapi-fetch";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { paths } from "../api/schema";
import { API_URL } from "../env";
import { unwrap } from "../api/client";
import { AuthContext, type Auth } from "./context";

const KEY = "parley.devAuth";

/** What a dev sign-in may say besides the user id (all optional). */
export interface DevProfile {
  name?: string;
  /** Taken by the API only when the user is first seen. */
  email?: string;
  /** E.164: stands for the account's verified phone number at Clerk (where texts go). */
  phone?: string;
}

interface Stored extends DevProfile {
  userId: string;
  token: string;
  /** Expiry, ms since epoch, read from the JWT. */
  exp: number;
}

// No auth middleware here: this is how the token is obtained in the first place.
const publicApi = createClient<paths>({ baseUrl: API_URL });

function jwtExpiry(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    if (typeof payload.exp === "number") return payload.exp * 1000;
  } catch {
    /* opaque token */
  }
  return Date.now() + 50 * 60 * 1000;
}

async function mint(userId: string, { name, email, phone }: DevProfile = {}): Promise<Stored> {
  const body: { user_id: string; name?: string; email?: string; phone_number?: string } = { user_id: userId };
  if (name) body.name = name;
  if (email) body.email = email;
  // Every token carries it: the API takes the number from the token, as from Clerk's.
  if (phone) body.phone_number = phone;
  const { token } = await unwrap(publicApi.POST("/v1/dev/token", { body }));
  return { userId, name, email, phone, token, exp: jwtExpiry(token) };
}

function load(): Stored | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

interface DevAuthActions {
  signIn(userId: string, profile?: DevProfile): Promise<void>;
}

const DevActions = createContext<DevAuthActions | null>(null);

export function useDevSignIn(): DevAuthActions | null {
  return useContext(DevActions);
}

export function DevAuthProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    setStored(load());
    setReady(true);
    const onStorage = (e: StorageEvent) => e.key === KEY && setStored(load());
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);

  const save = useCallback((s: Stored | null) => {
    if (s) localStorage.setItem(KEY, JSON.stringify(s));
    else localStorage.removeItem(KEY);
    setStored(s);
  }, []);

  const getToken = useCallback(async () => {
    const s = load();
    if (!s) return null;
    if (s.exp - Date.now() > 60_000) return s.token;
    try {
      const fresh = await mint(s.userId, s);
      save(fresh);
      return fresh.token;
    } catch {
      return s.token;
    }
  }, [save]);

  // The dev API signs with a key made at start-up: after a restart every token is refused.
  // Minting again is free in dev mode; concurrent 401s share one request.
  const refreshing = useRef<Promise<string | null> | null>(null);
  const refreshToken = useCallback(() => {
    if (!refreshing.current) {
      refreshing.current = (async () => {
        const s = load();
        if (!s) return null;
        try {
          const fresh = await mint(s.userId, s);
          save(fresh);
          return fresh.token;
        } catch {
          return null;
        } finally {
          setTimeout(() => (refreshing.current = null), 1000);
        }
      })();
    }
    return refreshing.current;
  }, [save]);

  const auth = useMemo<Auth>(
    () => ({
      mode: "dev",
      ready,
      signedIn: Boolean(stored),
      user: stored ? { id: stored.userId, name: stored.name ?? null, email: stored.email ?? null } : null,
      getToken,
      refreshToken,
      signOut: async () => save(null),
    }),
    [ready, stored, getToken, refreshToken, save],
  );

  const actions = useMemo<DevAuthActions>(
    () => ({
      signIn: async (userId, profile) => save(await mint(userId, profile)),
    }),
    [save],
  );

  return (
    <DevActions.Provider value={actions}>
      <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>
    </DevActions.Provider>
  );
}
