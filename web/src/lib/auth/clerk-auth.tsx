"use client";
import { ClerkProvider, useAuth as useClerkAuth, useUser } from "@clerk/nextjs";
import { useMemo, type ReactNode } from "react";
import { AuthContext, type Auth } from "./context";

function ClerkBridge({ children }: { children: ReactNode }) {
  const { isLoaded, isSignedIn, getToken, signOut } = useClerkAuth();
  const { user } = useUser();
  const auth = useMemo<Auth>(
    () => ({
      mode: "clerk",
      ready: isLoaded,
      signedIn: Boolean(isSignedIn),
      user: user
        ? {
            id: user.id,
            name: user.fullName ?? user.username ?? null,
            email: user.primaryEmailAddress?.emailAddress ?? null,
          }
        : null,
      getToken: () => getToken(),
      refreshToken: () => getToken({ skipCache: true }),
      signOut: () => signOut({ redirectUrl: "/" }),
    }),
    [isLoaded, isSignedIn, user, getToken, signOut],
  );
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}

export function ClerkAuthProvider({ children }: { children: ReactNode }) {
  return (
    <ClerkProvider signInUrl="/sign-in" signUpUrl="/sign-up">
      <ClerkBridge>{children}</ClerkBridge>
    </ClerkProvider>
  );
}
