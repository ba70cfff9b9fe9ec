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

interface Stored {
  userId: string;
  name?: string;
  email?: string;
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

async function mint(userId: string, name?: string, email?: string): Promise<Stored> {
  const body: { user_id: string; name?: string; email?: string } = { user_id: userId };
  if (name) body.name = name;
  if (email) body.email = email;
  const { token } = await unwrap(publicApi.POST("/v1/dev/token", { body }));
  return { userId, name, email, token, exp: jwtExpiry(token) };
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
  signIn(userId: string, name?: string, email?: string): Promise<void>;
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
      const fresh = await mint(s.userId, s.name, s.email);
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
          const fresh = await mint(s.userId, s.name, s.email);
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
      signIn: async (userId, name, email) => save(await mint(userId, name, email)),
    }),
    [save],
  );

  return (
    <DevActions.Provider value={actions}>
      <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>
    </DevActions.Provider>
  );
}
