"use client";
import Link from "next/link";
import { useAuth } from "@/lib/auth/context";
import { ThemeToggle } from "../theme-toggle";

/** The header of the public pages: the brand, the theme, and sign in (or the way back in). */
export function PublicHeader() {
  const { ready, signedIn } = useAuth();
  return (
    <header className="mx-auto flex h-16 w-full max-w-5xl items-center justify-between px-4 sm:px-6">
      <Link href={signedIn ? "/dashboard" : "/"} className="flex items-center gap-2 text-lg font-bold">
        <span className="inline-flex h-8 w-8 items-center justify-center rounded-lg bg-primary text-primary-foreground" aria-hidden>
          P
        </span>
        Parley
      </Link>
      <nav aria-label="Account" className="flex items-center gap-3">
        <ThemeToggle />
        {ready &&
          (signedIn ? (
            <Link href="/bookings" className="text-sm font-medium underline-offset-4 hover:underline" data-testid="public-my-bookings">
              My bookings
            </Link>
          ) : (
            <Link href="/sign-in" className="text-sm font-medium underline-offset-4 hover:underline" data-testid="public-sign-in">
              Sign in
            </Link>
          ))}
      </nav>
    </header>
  );
}
