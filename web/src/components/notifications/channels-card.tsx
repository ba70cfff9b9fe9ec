"use client";
import { BellRing, FlaskConical } from "lucide-react";
import Link from "next/link";
import { useChannels } from "@/hooks/queries/channels";
import { errorMessage } from "@/lib/api/client";
import { useAuth } from "@/lib/auth/context";
import { buttonClasses } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { ErrorState, Loading } from "../ui/states";
import { ChannelContacts } from "./channel-notices";

/**
 * The Connections page's "Notification channels": the address and the number notices go to,
 * the way to the channels page and, in dev mode, to the mail and the texts the offline test
 * services caught.
 */
export function ChannelsCard() {
  const channels = useChannels();
  const { mode } = useAuth();
  const dev = mode === "dev";
  const email = channels.data?.email?.address;
  const phone = channels.data?.phone?.number;
  return (
    <Card data-testid="channels-card">
      <CardHeader className="flex-row items-start gap-3">
        <span aria-hidden className="inline-flex size-9 shrink-0 items-center justify-center rounded-lg border border-border bg-muted">
          <BellRing className="size-4" />
        </span>
        <div className="flex min-w-0 flex-1 flex-col gap-1">
          <CardTitle>Notification channels</CardTitle>
          <CardDescription>E-mail and text messages from Parley: booking confirmations with calendar invites, reminders, digests.</CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {channels.isPending ? (
          <Loading label="Loading your channels…" className="justify-start p-2" />
        ) : channels.isError ? (
          <ErrorState error={errorMessage(channels.error)} onRetry={() => channels.refetch()} />
        ) : (
          <ChannelContacts prefs={channels.data} devMode={dev} />
        )}
        <div className="flex flex-wrap items-center gap-2">
          <Link href="/settings/channels" className={buttonClasses("outline")} data-testid="connections-channels-link">
            Choose what goes where
          </Link>
        </div>
        {dev && (
          <div className="flex flex-col gap-2 border-t border-border pt-4" data-testid="connections-dev-links">
            <p className="flex items-center gap-1.5 text-sm font-medium">
              <FlaskConical className="size-4" aria-hidden /> Offline test mode
            </p>
            <p className="text-sm text-muted-foreground">Nothing reaches a real inbox or phone: MailDev catches the e-mails and a fake Twilio the texts.</p>
            <div className="flex flex-wrap gap-2">
              <Link href={email ? `/dev/mail?to=${encodeURIComponent(email)}` : "/dev/mail"} className={buttonClasses("secondary", "sm")} data-testid="connections-dev-mail">
                Test mail (MailDev)
              </Link>
              <Link href={phone ? `/dev/sms?number=${encodeURIComponent(phone)}` : "/dev/sms"} className={buttonClasses("secondary", "sm")} data-testid="connections-dev-sms">
                Test texts (fake Twilio)
              </Link>
            </div>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
