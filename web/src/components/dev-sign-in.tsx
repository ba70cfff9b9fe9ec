"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api, errorMessage } from "@/lib/api/client";
import { useDevSignIn } from "@/lib/auth/dev-auth";
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn(id: string, displayName: string) {
    if (!actions) return;
    setBusy(true);
    setError(null);
    try {
      await actions.signIn(normaliseId(id), displayName || undefined);
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
    void signIn(userId, name.trim());
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
