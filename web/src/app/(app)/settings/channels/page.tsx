"use client";
import { ChannelsSettings } from "@/components/notifications/channels-form";

/**
 * How Parley reaches me outside the app: per kind of notice (booking confirmed, changed,
 * reminders, the digest, lecture reminders), e-mail, text and push; the address and the
 * verified number they go to; quiet hours. E-mails link here ("Change them"): the path is fixed.
 */
export default function ChannelsPage() {
  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 p-4 sm:p-8" data-testid="channels-page">
      <div>
        <h1 className="text-2xl font-bold">Notification channels</h1>
        <p className="text-sm text-muted-foreground">
          How Parley reaches you outside the app: by e-mail, by text message and with push notifications. The bell in the app always has everything.
        </p>
      </div>
      <ChannelsSettings />
    </div>
  );
}
