import type { ReactNode } from "react";
import { DevHeader } from "@/components/dev/dev-header";

/** The dev pages (offline test mode): what MailDev and the fake Twilio caught. No sign-in needed. */
export default function DevLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <DevHeader />
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 pb-12 pt-2 sm:px-6">{children}</main>
    </div>
  );
}
