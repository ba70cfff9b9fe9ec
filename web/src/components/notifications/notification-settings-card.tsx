"use client";
import { Check } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useNotificationSettings, useUpdateNotificationSettings } from "@/hooks/queries/notifications";
import { errorMessage } from "@/lib/api/client";
import type { NotificationSettings, UpdateNotificationSettings } from "@/lib/api/types";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Input, Label } from "../ui/input";
import { ErrorState, Skeleton } from "../ui/states";
import { PushToggle } from "./push-toggle";

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

function timeZones(): string[] {
  try {
    return typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  } catch {
    return [];
  }
}

/** Never saved: the API's UTC default with do-not-disturb off. The browser's zone is a better guess. */
function looksUnset(s: NotificationSettings): boolean {
  return !s.time_zone || ((s.time_zone === "UTC" || s.time_zone === "Etc/UTC") && !s.dnd);
}

const hhmm = (v: string | null | undefined, fallback: string) => (v ? v.slice(0, 5) : fallback);

/** Do-not-disturb hours (in my time zone) and this browser's push notifications. */
export function NotificationSettingsCard() {
  const settings = useNotificationSettings();
  const update = useUpdateNotificationSettings();
  const zones = useMemo(timeZones, []);
  const [form, setForm] = useState({ time_zone: "", dnd: false, start: "22:00", end: "08:00" });
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const s = settings.data;
    if (!s) return;
    setForm({
      time_zone: looksUnset(s) ? browserTimeZone() : s.time_zone,
      dnd: Boolean(s.dnd),
      start: hhmm(s.dnd?.start, "22:00"),
      end: hhmm(s.dnd?.end, "08:00"),
    });
  }, [settings.data]);

  const tzKnown = zones.length === 0 || zones.includes(form.time_zone) || form.time_zone === "UTC";
  const set = (patch: Partial<typeof form>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!tzKnown || (form.dnd && (!form.start || !form.end))) return;
    update.mutate(
      {
        // The API checks the name against its own list of zones.
        time_zone: form.time_zone as UpdateNotificationSettings["time_zone"],
        dnd: form.dnd ? { start: form.start, end: form.end } : null,
      },
      { onSuccess: () => setSaved(true) },
    );
  }

  return (
    <Card data-testid="notification-settings">
      <CardHeader>
        <CardTitle>Notifications</CardTitle>
        <CardDescription>Quiet hours, and notifications from this browser. Each room&apos;s level is in its bell menu.</CardDescription>
        <p className="text-sm">
          E-mails, texts and push for bookings, reminders and digests:{" "}
          <Link href="/settings/channels" className="font-medium text-primary underline underline-offset-4 hover:decoration-2" data-testid="notification-channels-link">
            Notification channels
          </Link>
        </p>
      </CardHeader>
      <CardContent className="flex flex-col gap-6">
        {settings.isPending ? (
          <Skeleton className="h-24" />
        ) : settings.isError ? (
          <ErrorState error={errorMessage(settings.error)} onRetry={() => settings.refetch()} />
        ) : (
          <form onSubmit={onSubmit} className="flex flex-col gap-4">
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="time_zone">Time zone</Label>
              <Input
                id="time_zone"
                list="time-zones"
                data-testid="time-zone"
                value={form.time_zone}
                onChange={(e) => set({ time_zone: e.target.value })}
                aria-invalid={!tzKnown}
                required
              />
              <datalist id="time-zones">
                {zones.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
              {!tzKnown && <p className="text-xs text-red-700 dark:text-red-400">Pick a time zone from the list, e.g. Europe/Paris.</p>}
            </div>
            <label className="flex items-center gap-2 text-sm font-medium">
              <input type="checkbox" className="size-4 accent-primary" data-testid="dnd-enabled" checked={form.dnd} onChange={(e) => set({ dnd: e.target.checked })} />
              Do not disturb
            </label>
            <div className="flex flex-wrap items-end gap-3">
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="dnd_start">From</Label>
                <Input id="dnd_start" type="time" className="w-32" data-testid="dnd-start" value={form.start} disabled={!form.dnd} onChange={(e) => set({ start: e.target.value })} />
              </div>
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="dnd_end">To</Label>
                <Input id="dnd_end" type="time" className="w-32" data-testid="dnd-end" value={form.end} disabled={!form.dnd} onChange={(e) => set({ end: e.target.value })} />
              </div>
              <p className="pb-2 text-xs text-muted-foreground">No browser notifications during these hours; they still reach the bell.</p>
            </div>
            {update.isError && (
              <p role="alert" className="text-sm text-red-700 dark:text-red-400">
                {errorMessage(update.error)}
              </p>
            )}
            <div className="flex items-center justify-end gap-3">
              {saved && (
                <span className="inline-flex items-center gap-1 text-sm text-emerald-700 dark:text-emerald-400" data-testid="notification-settings-saved">
                  Saved <Check className="size-4" aria-hidden />
                </span>
              )}
              <Button type="submit" disabled={update.isPending || !tzKnown} data-testid="notification-settings-save">
                {update.isPending ? "Saving…" : "Save"}
              </Button>
            </div>
          </form>
        )}
        <div className="border-t border-border pt-4">
          <PushToggle />
        </div>
      </CardContent>
    </Card>
  );
}
