import { House, RefreshCw, SunMoon, Zap } from "lucide-react";
import Link from "next/link";
import { LandingCta } from "@/components/landing-cta";
import { ThemeToggle } from "@/components/theme-toggle";

const features = [
  { icon: Zap, title: "Live", text: "Messages, reactions, edits and typing arrive instantly over one WebSocket." },
  { icon: RefreshCw, title: "Never miss a beat", text: "Drop offline and come back: missed messages replay in order, exactly once." },
  { icon: House, title: "Rooms & DMs", text: "Public rooms anyone can join, private rooms by invite, and direct messages." },
  { icon: SunMoon, title: "Made for you", text: "Dark mode, a phone-sized layout, and full keyboard use." },
];

export default function Landing() {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="mx-auto flex h-16 w-full max-w-5xl items-center justify-between px-4">
        <span className="flex items-center gap-2 text-lg font-bold">
          <span className="inline-flex h-8 w-8 items-center justify-center rounded-lg bg-primary text-primary-foreground">P</span>
          Parley
        </span>
        <div className="flex items-center gap-2">
          <ThemeToggle />
          <Link href="/sign-in" className="text-sm font-medium hover:underline">
            Sign in
          </Link>
        </div>
      </header>
      <main className="mx-auto flex w-full max-w-5xl flex-1 flex-col items-center px-4 py-16 text-center">
        <h1 className="max-w-2xl text-4xl font-extrabold tracking-tight sm:text-6xl" data-testid="landing-title">
          Conversations that keep up with you.
        </h1>
        <p className="mt-5 max-w-xl text-lg text-muted-foreground">
          Parley is an open chat platform: rooms, direct messages and real-time presence, on an API you can run yourself.
        </p>
        <div className="mt-8">
          <LandingCta />
        </div>
        <div className="mt-16 grid w-full gap-4 text-left sm:grid-cols-2">
          {features.map((f) => (
            <div key={f.title} className="rounded-xl border border-border bg-card p-5">
              <f.icon className="size-6 text-primary" aria-hidden />
              <h2 className="mt-2 font-semibold">{f.title}</h2>
              <p className="mt-1 text-sm text-muted-foreground">{f.text}</p>
            </div>
          ))}
        </div>
      </main>
      <footer className="py-6 text-center text-xs text-muted-foreground">Parley — open chat</footer>
    </div>
  );
}
