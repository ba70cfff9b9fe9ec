"use client";
import { createContext, useContext } from "react";

export interface AuthUser {
  /** The identity provider's id (Clerk user id, or the dev user id such as `user_alice`). */
  id: string;
  name?: string | null;
  email?: string | null;
}

/** What the rest of the app knows about sign-in, whichever provider is behind it. */
export interface Auth {
  mode: "clerk" | "dev";
  /** False until the provider knows whether someone is signed in. */
  ready: boolean;
  signedIn: boolean;
  user: AuthUser | null;
  getToken(): Promise<string | null>;
  /** A new token after the API refused the current one (401); null if none can be had. */
  refreshToken(): Promise<string | null>;
  signOut(): Promise<void>;
}

export const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const v = useContext(AuthContext);
  if (!v) throw new Error("useAuth outside AuthProvider");
  return v;
}
