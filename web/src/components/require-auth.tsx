"use client";
import { useRouter, usePathname } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { useAuth } from "@/lib/auth/context";
import { Loading } from "./ui/states";

/** Client-side guard (Clerk mode also has middleware); sends visitors to sign-in. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { ready, signedIn } = useAuth();
  const router = useRouter();
  const path = usePathname();
  useEffect(() => {
    if (ready && !signedIn) router.replace(`/sign-in?redirect_url=${encodeURIComponent(path)}`);
  }, [ready, signedIn, router, path]);
  if (!ready || !signedIn) return <Loading label="Checking your session…" className="min-h-screen" />;
  return <>{children}</>;
}
