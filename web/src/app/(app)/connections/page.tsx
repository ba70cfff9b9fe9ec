"use client";
import { Suspense } from "react";
import { CallbackStatus } from "@/components/integrations/callback-status";
import { NotionCard } from "@/components/integrations/notion-card";
import { ChannelsCard } from "@/components/notifications/channels-card";
import { Loading } from "@/components/ui/states";

function ConnectionsPage() {
  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 p-4 sm:p-8" data-testid="connections-page">
      <div>
        <h1 className="text-2xl font-bold">Connections</h1>
        <p className="text-sm text-muted-foreground">
          Services Parley works with for you. Their keys stay on Parley&apos;s server, and you can disconnect any time.
        </p>
      </div>
      <CallbackStatus />
      <NotionCard />
      <ChannelsCard />
    </div>
  );
}

/**
 * My connections to outside services (Notion): connect (Notion's consent page, or a pasted
 * token), see the workspace, disconnect. Notion's consent page sends the browser back here
 * with `?notion=connected|denied|error`. Below, where Parley's e-mails and texts reach me
 * (in dev mode, with the way to what the offline test services caught).
 */
export default function ConnectionsRoute() {
  // The query string is read on the client only.
  return (
    <Suspense fallback={<Loading />}>
      <ConnectionsPage />
    </Suspense>
  );
}
