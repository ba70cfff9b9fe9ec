"use client";
import { Check } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useChannels, useUpdateChannels } from "@/hooks/queries/channels";
import { errorMessage } from "@/lib/api/client";
import type { ChannelKind, ChannelName, ChannelPrefs } from "@/lib/api/types";
import { useAuth } from "@/lib/auth/context";
import { bodyOf, channelLabel, CHANNEL_KINDS, CHANNELS, formOf, isDirty, offers, quietHoursProblem, toggled, type ChannelsForm } from "@/lib/channels";
import { TimeZoneSelect } from "../bookings/time-zone-select";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Input, Label } from "../ui/input";
import { ErrorState, Loading } from "../ui/states";
import { ChannelContacts } from "./channel-notices";
import { browserTimeZone } from "./notification-settings-card";

const DIGEST_NOTE = "channels-digest-note";

function ChannelsTable({ form, onToggle, hasPhone }: { form: ChannelsForm; onToggle(kind: ChannelKind, channel: ChannelName, on: boolean): void; hasPhone: boolean }) {
  return (
    <div className="flex flex-col gap-3">
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-sm" data-testid="channels-table">
          <caption className="sr-only">Which channels carry each kind of notice</caption>
          <thead>
            <tr className="border-b border-border text-left">
              <th scope="col" className="py-2 pr-3 font-medium">
                Notice
              </th>
              {CHANNELS.map((c) => (
                <th key={c.channel} scope="col" className="w-14 px-1 py-2 text-center font-medium sm:w-20 sm:px-2">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {CHANNEL_KINDS.map(({ kind, label }) => (
              <tr key={kind} className="border-b border-border last:border-0" data-testid="channels-row" data-kind={kind}>
                <th scope="row" className="py-2.5 pr-3 text-left font-normal">
                  {label}
                  {kind === "digest" && <span className="block text-xs text-muted-foreground">E-mail only</span>}
                </th>
                {CHANNELS.map(({ channel }) => {
                  const offered = offers(kind, channel);
                  return (
                    <td key={channel} className="px-1 py-2.5 text-center sm:px-2">
                      <input
                        type="checkbox"
                        className="size-4 accent-primary disabled:cursor-not-allowed disabled:opacity-50"
                        checked={offered && form.channels[kind][channel]}
                        disabled={!offered}
                        aria-label={channelLabel(kind, channel)}
                        aria-describedby={offered ? undefined : DIGEST_NOTE}
                        onChange={(e) => onToggle(kind, channel, e.target.checked)}
                        data-testid={`channel-${kind}-${channel}`}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="flex list-disc flex-col gap-1 pl-5 text-xs text-muted-foreground">
        <li id={DIGEST_NOTE}>The digest goes by e-mail only: it is never sent as a text or a push notification.</li>
        <li>Texts go only for notices that have one, and by default only reminders do.{!hasPhone && " None are sent until your account has a verified phone number."}</li>
        <li>
          Push notifications reach the browsers where you turned them on (under{" "}
          <Link href="/profile" className="underline underline-offset-2">
            Profile
          </Link>
          ); the bell in the app shows everything either way.
        </li>
      </ul>
    </div>
  );
}

function QuietHoursFields({ form, set }: { form: ChannelsForm; set(patch: Partial<ChannelsForm>): void }) {
  return (
    <div className="flex flex-col gap-4" data-testid="quiet-hours">
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" className="size-4 accent-primary" data-testid="quiet-enabled" checked={form.quiet} onChange={(e) => set({ quiet: e.target.checked })} />
        Quiet hours
      </label>
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="quiet_start">From</Label>
          <Input id="quiet_start" type="time" className="w-32" data-testid="quiet-start" value={form.start} disabled={!form.quiet} onChange={(e) => set({ start: e.target.value })} />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="quiet_end">To</Label>
          <Input id="quiet_end" type="time" className="w-32" data-testid="quiet-end" value={form.end} disabled={!form.quiet} onChange={(e) => set({ end: e.target.value })} />
        </div>
        <div className="flex min-w-0 flex-col gap-1.5">
          <Label htmlFor="quiet_tz">Time zone</Label>
          <TimeZoneSelect id="quiet_tz" testId="quiet-tz" value={form.timeZone} disabled={!form.quiet} onChange={(timeZone) => set({ timeZone })} />
        </div>
      </div>
      <p className="text-xs text-muted-foreground">
        No texts or push notifications during these hours; e-mail still arrives. These are the same hours as Do not disturb on your profile.
      </p>
    </div>
  );
}

function Loaded({ prefs }: { prefs: ChannelPrefs }) {
  const { mode } = useAuth();
  const update = useUpdateChannels();
  const zone = useMemo(browserTimeZone, []);
  const [form, setForm] = useState<ChannelsForm>(() => formOf(prefs, zone));
  const [saved, setSaved] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  // What the API answered (loaded, saved, or asked again) is what the form shows.
  const key = JSON.stringify(prefs);
  useEffect(() => {
    setForm(formOf(JSON.parse(key) as ChannelPrefs, zone));
  }, [key, zone]);

  const set = (patch: Partial<ChannelsForm>) => {
    setSaved(false);
    setProblem(null);
    setForm((f) => ({ ...f, ...patch }));
  };

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const p = quietHoursProblem(form);
    if (p) {
      setProblem(p);
      return;
    }
    setSaved(false);
    update.mutate(bodyOf(form, prefs), { onSuccess: () => setSaved(true) });
  }

  const dirty = isDirty(form, prefs, zone);
  const error = problem ?? (update.isError ? errorMessage(update.error) : null);
  const state = update.isPending ? "saving" : error ? "error" : saved ? "saved" : dirty ? "dirty" : "idle";

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-6" data-testid="channels-form" data-state={state} aria-label="Notification channels">
      <Card data-testid="channels-contacts">
        <CardHeader>
          <CardTitle>Where they go</CardTitle>
          <CardDescription>Your account&apos;s e-mail address and verified phone number. Parley never takes a number typed in here.</CardDescription>
        </CardHeader>
        <CardContent>
          <ChannelContacts prefs={prefs} devMode={mode === "dev"} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>What goes where</CardTitle>
          <CardDescription>For each kind of notice, the channels that carry it.</CardDescription>
        </CardHeader>
        <CardContent>
          <ChannelsTable form={form} hasPhone={Boolean(prefs.phone)} onToggle={(kind, channel, on) => set(toggled(form, kind, channel, on))} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Quiet hours</CardTitle>
          <CardDescription>Daily hours when nothing buzzes.</CardDescription>
        </CardHeader>
        <CardContent>
          <QuietHoursFields form={form} set={set} />
        </CardContent>
      </Card>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="channels-error">
          {error}
        </p>
      )}
      <div className="flex items-center justify-end gap-3">
        <span role="status" className="inline-flex items-center gap-1 text-sm">
          {saved && (
            <span className="inline-flex items-center gap-1 text-emerald-700 dark:text-emerald-400" data-testid="channels-saved">
              Saved <Check className="size-4" aria-hidden />
            </span>
          )}
          {!saved && dirty && !update.isPending && <span className="text-muted-foreground">Unsaved changes</span>}
        </span>
        <Button type="submit" disabled={update.isPending} data-testid="channels-save">
          {update.isPending ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}

/** Per kind of notice, e-mail / SMS / push; where they go; quiet hours. One Save; the page then shows what the API stored. */
export function ChannelsSettings() {
  const channels = useChannels();
  if (channels.isPending) return <Loading label="Loading your channels…" />;
  if (channels.isError) return <ErrorState error={errorMessage(channels.error)} onRetry={() => channels.refetch()} />;
  return <Loaded prefs={channels.data} />;
}
