"use client";
import { CircleAlert, CircleX, Info, Mail, Smartphone } from "lucide-react";
import type { ChannelPrefs } from "@/lib/api/types";
import { emailNotices, phoneNotices, type Notice } from "@/lib/channels";
import { cn } from "@/lib/utils";

const TONES = {
  info: "border-border bg-muted/50 text-foreground",
  warning: "border-amber-500/40 bg-amber-500/10 text-amber-900 dark:text-amber-200",
  error: "border-red-500/40 bg-red-500/10 text-red-800 dark:text-red-300",
} as const;

export function NoticeLine({ notice, prefix }: { notice: Notice; prefix: string }) {
  const Icon = notice.tone === "info" ? Info : notice.tone === "warning" ? CircleAlert : CircleX;
  return (
    <p className={cn("flex items-start gap-2 rounded-lg border px-3 py-2 text-sm", TONES[notice.tone])} data-testid={`${prefix}-${notice.id}`}>
      <Icon className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>{notice.text}</span>
    </p>
  );
}

/** Where notices go: the account's e-mail address and verified phone number, with what is wrong with them. */
export function ChannelContacts({ prefs, devMode }: { prefs: ChannelPrefs; devMode: boolean }) {
  const email = prefs.email ?? null;
  const phone = prefs.phone ?? null;
  return (
    <dl className="grid gap-4 sm:grid-cols-2">
      <div className="flex flex-col gap-1.5" data-testid="channels-email" data-bouncing={email?.bouncing ? "true" : "false"}>
        <dt className="flex items-center gap-1.5 text-sm font-medium">
          <Mail className="size-4" aria-hidden /> E-mail
        </dt>
        <dd className="flex flex-col gap-2">
          {email && (
            <span className="break-all text-sm" data-testid="channels-email-address">
              {email.address}
            </span>
          )}
          {emailNotices(email).map((n) => (
            <NoticeLine key={n.id} notice={n} prefix="channels-email" />
          ))}
        </dd>
      </div>
      <div
        className="flex flex-col gap-1.5"
        data-testid="channels-phone"
        data-stopped={phone?.stopped ? "true" : "false"}
        data-failing={phone?.failing ? "true" : "false"}
      >
        <dt className="flex items-center gap-1.5 text-sm font-medium">
          <Smartphone className="size-4" aria-hidden /> Phone for texts
        </dt>
        <dd className="flex flex-col gap-2">
          {phone && (
            <span className="text-sm tabular-nums" data-testid="channels-phone-number">
              {phone.number} <span className="text-muted-foreground">(verified)</span>
            </span>
          )}
          {phoneNotices(phone, devMode).map((n) => (
            <NoticeLine key={n.id} notice={n} prefix="channels-phone" />
          ))}
        </dd>
      </div>
    </dl>
  );
}
