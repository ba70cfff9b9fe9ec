"use client";
import { BellRing, CalendarCog, CalendarDays, ChartColumn, Compass, House, Link2, LogOut, Menu, NotebookText, Plug, Receipt, Repeat, User, type LucideIcon } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import { useMe } from "@/hooks/queries/me";
import { useMediaQuery } from "@/hooks/use-media-query";
import { useAuth } from "@/lib/auth/context";
import { cn } from "@/lib/utils";
import { ConnectionStatus } from "./connection-status";
import { ConversationList } from "./conversation-list";
import { NotificationBell } from "./notifications/notification-bell";
import { ThemeToggle } from "./theme-toggle";
import { UserAvatar } from "./user-avatar";
import { Button } from "./ui/button";

const nav: { href: string; label: string; icon: LucideIcon; testId: string }[] = [
  { href: "/dashboard", label: "Home", icon: House, testId: "nav-dashboard" },
  { href: "/rooms", label: "Browse rooms", icon: Compass, testId: "nav-rooms" },
  { href: "/notes", label: "Notes", icon: NotebookText, testId: "nav-notes" },
  { href: "/bookings", label: "Bookings", icon: CalendarDays, testId: "nav-bookings" },
  { href: "/bookings/settings", label: "Booking page", icon: CalendarCog, testId: "nav-booking-settings" },
  { href: "/links", label: "Links", icon: Link2, testId: "nav-links" },
  { href: "/payments", label: "Payments", icon: Receipt, testId: "nav-payments" },
  { href: "/subscriptions", label: "Subscriptions", icon: Repeat, testId: "nav-subscriptions" },
  { href: "/payouts", label: "Earnings", icon: ChartColumn, testId: "nav-earnings" },
  { href: "/connections", label: "Connections", icon: Plug, testId: "nav-connections" },
  { href: "/settings/channels", label: "Notification channels", icon: BellRing, testId: "nav-channels" },
  { href: "/profile", label: "Profile", icon: User, testId: "nav-profile" },
];

/** md and up: the sidebar is shown (and holds the bell); below, the top bar does. */
const DESKTOP = "(min-width: 768px)";

function Sidebar({ onNavigate, withBell = false }: { onNavigate?: () => void; withBell?: boolean }) {
  const path = usePathname();
  const me = useMe();
  const auth = useAuth();
  const name = me.data?.display_name || auth.user?.name || auth.user?.id || "";
  return (
    <div className="flex h-full flex-col">
      <div className="flex h-14 items-center justify-between px-4">
        <Link href="/dashboard" className="flex items-center gap-2 text-lg font-bold" onClick={onNavigate}>
          <span className="inline-flex h-7 w-7 items-center justify-center rounded-lg bg-primary text-sm text-primary-foreground">
            P
          </span>
          Parley
        </Link>
        <div className="flex items-center gap-1">
          <ConnectionStatus />
          {withBell && <NotificationBell align="left" />}
        </div>
      </div>
      <nav className="flex flex-col gap-0.5 px-2" aria-label="Main">
        {nav.map((n) => {
          const here =
            path === n.href ||
            (n.href === "/notes" && path.startsWith("/notes/")) ||
            // A booking's page is under Bookings; the settings have their own entry.
            (n.href === "/bookings" && path.startsWith("/bookings/") && !path.startsWith("/bookings/settings"));
          return (
            <Link
              key={n.href}
              href={n.href}
              data-testid={n.testId}
              onClick={onNavigate}
              aria-current={here ? "page" : undefined}
              className={cn(
                "flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                here && "bg-muted",
              )}
            >
              <n.icon className="size-4 shrink-0" aria-hidden />
              {n.label}
            </Link>
          );
        })}
      </nav>
      <div className="mt-4 px-4 text-xs font-semibold uppercase tracking-wide text-muted-foreground">Conversations</div>
      <div className="mt-1 min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        <ConversationList compact onNavigate={onNavigate} />
      </div>
      <div className="flex items-center gap-2 border-t border-border p-3">
        <UserAvatar user={me.data} name={name || "?"} />
        <div className="min-w-0 flex-1">
          <div className="truncate text-sm font-medium" data-testid="current-user-name">
            {name}
          </div>
          <div className="truncate text-xs text-muted-foreground">{auth.mode === "dev" ? "dev sign-in" : auth.user?.email}</div>
        </div>
        <ThemeToggle />
        <Button variant="ghost" size="icon" onClick={() => auth.signOut()} aria-label="Sign out" data-testid="sign-out" title="Sign out">
          <LogOut className="size-4" aria-hidden />
        </Button>
      </div>
    </div>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  // One bell at a time, so there is one live count and one panel.
  const desktop = useMediaQuery(DESKTOP);
  return (
    <div className="flex h-dvh overflow-hidden">
      <aside className="hidden w-72 shrink-0 border-r border-border bg-card md:block" data-testid="sidebar">
        <Sidebar withBell={desktop} />
      </aside>
      {open && (
        <div className="fixed inset-0 z-40 md:hidden" role="dialog" aria-modal="true" aria-label="Navigation">
          <button className="absolute inset-0 bg-black/40" aria-label="Close menu" onClick={() => setOpen(false)} />
          <aside className="absolute inset-y-0 left-0 w-[85vw] max-w-xs border-r border-border bg-card shadow-xl">
            <Sidebar onNavigate={() => setOpen(false)} />
          </aside>
        </div>
      )}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-12 shrink-0 items-center gap-2 border-b border-border px-2 md:hidden">
          <Button variant="ghost" size="icon" onClick={() => setOpen(true)} aria-label="Open menu" data-testid="open-menu">
            <Menu className="size-5" aria-hidden />
          </Button>
          <span className="font-semibold">Parley</span>
          <ConnectionStatus className="ml-auto mr-1" />
          {!desktop && <NotificationBell align="right" />}
        </header>
        <main className="min-h-0 flex-1 overflow-y-auto">{children}</main>
      </div>
    </div>
  );
}
