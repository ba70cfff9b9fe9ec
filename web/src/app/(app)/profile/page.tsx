"use client";
import { Check } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { NotificationSettingsCard } from "@/components/notifications/notification-settings-card";
import { AvatarPicker } from "@/components/files/avatar-picker";
import { PayoutCard } from "@/components/payments/payout-card";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { AVATAR_PALETTE } from "@/components/ui/avatar";
import { Input, Label, Textarea } from "@/components/ui/input";
import { ErrorState, Loading } from "@/components/ui/states";
import { useMe, useUpdateMe } from "@/hooks/queries/me";
import { errorMessage } from "@/lib/api/client";
import type { UpdateMe } from "@/lib/api/types";

// The avatar palette: each reads with white initials (WCAG AA).
const swatches = AVATAR_PALETTE;

export default function ProfilePage() {
  const me = useMe();
  const update = useUpdateMe();
  const [form, setForm] = useState({ display_name: "", bio: "", color: "", image_url: "" });
  const [saved, setSaved] = useState(false);

  // Keyed on the form's own fields: a new avatar (a new me.data) keeps unsaved edits.
  const d = me.data;
  const loaded = d ? { display_name: d.display_name ?? "", bio: d.bio ?? "", color: d.color ?? "", image_url: d.image_url ?? "" } : null;
  const loadedKey = JSON.stringify(loaded);
  useEffect(() => {
    const next = JSON.parse(loadedKey) as typeof form | null;
    if (next) setForm(next);
  }, [loadedKey]);

  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorState error={errorMessage(me.error)} onRetry={() => me.refetch()} className="m-8" />;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    // Send only what changed; the API rejects unknown fields, so keep to the schema's.
    const body: UpdateMe = {};
    const d = me.data!;
    if (form.display_name.trim() !== (d.display_name ?? "")) body.display_name = form.display_name.trim();
    if (form.bio !== (d.bio ?? "")) body.bio = form.bio;
    if (form.color !== (d.color ?? "")) body.color = form.color;
    if (form.image_url.trim() !== (d.image_url ?? "")) body.image_url = form.image_url.trim();
    setSaved(false);
    update.mutate(body, { onSuccess: () => setSaved(true) });
  }

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    setSaved(false);
    setForm((f) => ({ ...f, [k]: e.target.value }));
  };

  return (
    <div className="mx-auto flex w-full max-w-2xl flex-col gap-6 p-4 sm:p-8">
      <Card data-testid="profile-page">
        <CardHeader>
          <CardTitle>Your profile</CardTitle>
          <CardDescription>How others see you in rooms and direct messages.</CardDescription>
        </CardHeader>
        <CardContent>
          <form onSubmit={onSubmit} className="flex flex-col gap-5">
            <AvatarPicker
              user={me.data}
              preview={{ name: form.display_name || "?", imageUrl: form.image_url || null, color: form.color || null }}
            >
              <div className="text-sm text-muted-foreground">
                <div className="font-medium text-foreground">{me.data.email ?? me.data.clerk_id}</div>
                Member since {new Date(me.data.created_at).toLocaleDateString()}
              </div>
            </AvatarPicker>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="display_name">Display name</Label>
              <Input id="display_name" data-testid="profile-display-name" value={form.display_name} onChange={set("display_name")} maxLength={64} required />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="bio">Bio</Label>
              <Textarea id="bio" data-testid="profile-bio" rows={3} value={form.bio} onChange={set("bio")} maxLength={500} />
            </div>
            <div className="flex flex-col gap-1.5">
              <span className="text-sm font-medium" id="color-label">
                Color
              </span>
              <div className="flex flex-wrap items-center gap-2" role="radiogroup" aria-labelledby="color-label">
                {swatches.map((c) => (
                  <button
                    key={c}
                    type="button"
                    role="radio"
                    aria-checked={form.color === c}
                    aria-label={c}
                    onClick={() => set("color")({ target: { value: c } })}
                    className={
                      "h-8 w-8 rounded-full border-2 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring " +
                      (form.color === c ? "border-foreground" : "border-transparent")
                    }
                    style={{ backgroundColor: c }}
                  />
                ))}
                <Input aria-label="Custom color" className="w-32" value={form.color} onChange={set("color")} placeholder="#4f46e5" data-testid="profile-color" />
              </div>
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="image_url">Image URL</Label>
              <span className="-mt-1 text-xs text-muted-foreground">Shown when no photo is uploaded.</span>
              <Input id="image_url" type="url" data-testid="profile-image-url" value={form.image_url} onChange={set("image_url")} placeholder="https://…" />
            </div>
            {update.isError && (
              <p role="alert" className="text-sm text-red-700 dark:text-red-400">
                {errorMessage(update.error)}
              </p>
            )}
            <div className="flex items-center justify-end gap-3">
              {saved && (
                <span className="inline-flex items-center gap-1 text-sm text-emerald-700 dark:text-emerald-400" data-testid="profile-saved">
                  Saved <Check className="size-4" aria-hidden />
                </span>
              )}
              <Button type="submit" disabled={update.isPending} data-testid="profile-save">
                {update.isPending ? "Saving…" : "Save"}
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
      <PayoutCard />
      <NotificationSettingsCard />
    </div>
  );
}
