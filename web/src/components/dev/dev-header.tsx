"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";
import { ThemeToggle } from "../theme-toggle";

const links = [
  { href: "/dev/mail", label: "Test mail", testId: "dev-nav-mail" },
  { href: "/dev/sms", label: "Test texts", testId: "dev-nav-sms" },
];

/** The dev pages' header: the brand, the two inboxes of the offline test services, the theme. */
export function DevHeader() {
  const path = usePathname();
  return (
    <header className="mx-auto flex h-16 w-full max-w-6xl items-center justify-between gap-3 px-4 sm:px-6">
      <Link href="/connections" className="flex items-center gap-2 text-lg font-bold">
        <span className="inline-flex h-8 w-8 items-center justify-center rounded-lg bg-primary text-primary-foreground" aria-hidden>
          P
        </span>
        Parley
      </Link>
      <nav aria-label="Test inboxes" className="flex items-center gap-1">
        {links.map((l) => (
          <Link
            key={l.href}
            href={l.href}
            data-testid={l.testId}
            aria-current={path === l.href ? "page" : undefined}
            className={cn(
              "rounded-lg px-3 py-1.5 text-sm font-medium hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
              path === l.href && "bg-muted",
            )}
          >
            {l.label}
          </Link>
        ))}
        <ThemeToggle />
      </nav>
    </header>
  );
}
