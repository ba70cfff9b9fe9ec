import type { Metadata } from "next";
import type { ReactNode } from "react";
import { PublicHeader } from "@/components/bookings/public-header";

export const metadata: Metadata = { title: "Book a time" };

/** Booking pages are public: no sign-in needed to look, outside the app's signed-in shell. */
export default function BookLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <PublicHeader />
      <main className="mx-auto w-full max-w-5xl flex-1 px-4 pb-12 pt-2 sm:px-6">{children}</main>
      <footer className="py-6 text-center text-xs text-muted-foreground">Parley — bookings</footer>
    </div>
  );
}
