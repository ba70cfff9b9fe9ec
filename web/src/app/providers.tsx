"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { ApiError, setTokenProvider } from "@/lib/api/client";
import { ClerkAuthProvider } from "@/lib/auth/clerk-auth";
import { useAuth } from "@/lib/auth/context";
import { DevAuthProvider } from "@/lib/auth/dev-auth";
import { CLERK_ENABLED } from "@/lib/env";
import { RealtimeProvider } from "@/lib/realtime/provider";
import { ThemeProvider } from "@/lib/theme";

function TokenBridge({ children }: { children: ReactNode }) {
  const { getToken, refreshToken } = useAuth();
  // Set during render so queries fired by children in the same commit carry the token.
  setTokenProvider(getToken, refreshToken);
  useEffect(() => setTokenProvider(getToken, refreshToken), [getToken, refreshToken]);
  return <>{children}</>;
}

export function Providers({ children }: { children: ReactNode }) {
  const [qc] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 10_000,
            // 4xx answers will not change on retry.
            retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
          },
        },
      }),
  );
  const Auth = CLERK_ENABLED ? ClerkAuthProvider : DevAuthProvider;
  return (
    <ThemeProvider>
      <QueryClientProvider client={qc}>
        <Auth>
          <TokenBridge>
            <RealtimeProvider>{children}</RealtimeProvider>
          </TokenBridge>
        </Auth>
      </QueryClientProvider>
    </ThemeProvider>
  );
}
