"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api, errorMessage } from "@/lib/api/client";
import { useDevSignIn, type DevProfile } from "@/lib/auth/dev-auth";
import { isE164 } from "@/lib/dev-inbox";
import { Button } from "./ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "./ui/card";
import { Input, Label } from "./ui/input";

const presets = [
  { id: "user_alice", name: "Alice" },
  { id: "user_bob", name: "Bob" },
  { id: "user_carol", name: "Carol" },
];

/** Clerk-style ids look like `user_…`; accept a bare name too. */
function normaliseId(raw: string) {
  const v = raw.trim().toLowerCase().replace(/[^a-z0-9_-]/g, "_");
  return v.startsWith("user_") ? v : `user_${v}`;
}

export function DevSignIn({ title = "Sign in" }: { title?: string }) {
  const actions = useDevSignIn();
  const router = useRouter();
  const [userId, setUserId] = useState("");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [phone, setPhone] = useState("");
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn(id: string, displayName: string, extra: Omit<DevProfile, "name"> = {}) {
    if (!actions) return;
    setBusy(true);
    setError(null);
    try {
      await actions.signIn(normaliseId(id), { name: displayName || undefined, ...extra });
      // The token call may ignore `name` for an existing user; the profile is the source of truth.
      if (displayName) await api.PATCH("/v1/me", { body: { display_name: displayName } }).catch(() => undefined);
      // Read when used (not with useSearchParams, which would need a Suspense boundary).
      const next = new URLSearchParams(window.location.search).get("redirect_url");
      router.replace(next && next.startsWith("/") ? next : "/dashboard");
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!userId.trim()) {
      setError("Pick a user id");
      return;
    }
    const number = phone.replace(/[\s().-]/g, "");
    if (number && !isE164(number)) {
      setPhoneError("A phone number in international form: + and 8 to 15 digits, e.g. +15551234567.");
      document.getElementById("dev-phone")?.focus();
      return;
    }
    void signIn(userId, name.trim(), { email: email.trim() || undefined, phone: number || undefined });
  }

  return (
    <Card className="w-full max-w-md" data-testid="dev-sign-in">
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>
          Development sign-in: the API is in dev auth mode and issues a token for any user id.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} className="flex flex-col gap-4">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="dev-user-id">User id</Label>
            <Input
              id="dev-user-id"
              data-testid="dev-user-id"
              placeholder="user_alice"
              autoComplete="username"
              value={userId}
              onChange={(e) => setUserId(e.target.value)}
              autoFocus
            />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="dev-display-name">Display name</Label>
            <Input
              id="dev-display-name"
              data-testid="dev-display-name"
              placeholder="Alice"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="dev-email">
              E-mail <span className="font-normal text-muted-foreground">(optional)</span>
            </Label>
            <Input
              id="dev-email"
              data-testid="dev-email"
              type="email"
              placeholder="alice@example.com"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-describedby="dev-email-hint"
            />
            <span id="dev-email-hint" className="text-xs text-muted-foreground">
              Where e-mails go. Kept the first time this user signs in.
            </span>
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="dev-phone">
              Verified phone (dev stand-in for Clerk) <span className="font-normal text-muted-foreground">(optional)</span>
            </Label>
            <Input
              id="dev-phone"
              data-testid="dev-phone"
              type="tel"
              placeholder="+15551234567"
              autoComplete="tel"
              value={phone}
              onChange={(e) => {
                setPhone(e.target.value);
                setPhoneError(null);
              }}
              aria-invalid={phoneError ? true : undefined}
              aria-describedby={phoneError ? "dev-phone-hint dev-phone-error" : "dev-phone-hint"}
            />
            <span id="dev-phone-hint" className="text-xs text-muted-foreground">
              Where texts go, as if verified at Clerk. Parley never takes a typed number otherwise.
            </span>
            {phoneError && (
              <p id="dev-phone-error" role="alert" data-testid="dev-phone-error" className="text-sm text-red-700 dark:text-red-400">
                {phoneError}
              </p>
            )}
          </div>
          {error && (
            <p role="alert" data-testid="sign-in-error" className="text-sm text-red-700 dark:text-red-400">
              {error}
            </p>
          )}
          <Button type="submit" disabled={busy} data-testid="dev-sign-in-submit">
            {busy ? "Signing in…" : "Continue"}
          </Button>
          <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
            Quick pick:
            {presets.map((p) => (
              <Button key={p.id} size="sm" variant="outline" disabled={busy} onClick={() => void signIn(p.id, p.name)}>
                {p.name}
              </Button>
            ))}
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
