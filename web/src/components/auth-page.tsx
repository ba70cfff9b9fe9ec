"use client";
import { SignIn, SignUp } from "@clerk/nextjs";
import Link from "next/link";
import { CLERK_ENABLED } from "@/lib/env";
import { DevSignIn } from "./dev-sign-in";
import { ThemeToggle } from "./theme-toggle";

export function AuthPage({ kind }: { kind: "sign-in" | "sign-up" }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex h-14 items-center justify-between px-4">
        <Link href="/" className="font-bold">
          Parley
        </Link>
        <ThemeToggle />
      </header>
      <main className="flex flex-1 items-center justify-center p-4">
        {CLERK_ENABLED ? (
          kind === "sign-in" ? (
            <SignIn path="/sign-in" routing="path" signUpUrl="/sign-up" fallbackRedirectUrl="/dashboard" />
          ) : (
            <SignUp path="/sign-up" routing="path" signInUrl="/sign-in" fallbackRedirectUrl="/dashboard" />
          )
        ) : (
          <DevSignIn title={kind === "sign-in" ? "Sign in" : "Create a dev account"} />
        )}
      </main>
    </div>
  );
}
