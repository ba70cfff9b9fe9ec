"use client";
import { useQuery } from "@tanstack/react-query";
import { CalendarDays, Download, Inbox, Paperclip, RefreshCw } from "lucide-react";
import { useId, useMemo, useState } from "react";
import { addressText, filterByRecipient, isCalendar, sizeText, type CaughtMail, type MailAttachment } from "@/lib/dev-inbox";
import { localText, parseInvite, utcText, type IcsTime } from "@/lib/ics";
import { cn } from "@/lib/utils";
import { Button } from "../ui/button";
import { Input, Label } from "../ui/input";
import { EmptyState, ErrorState, Loading, Spinner } from "../ui/states";
import { DevBanner, devJson } from "./dev-bits";

/** How often the list is asked again while the page is open (mail is sent by a background job). */
const POLL_MS = 3000;

const attachmentHref = (mailId: string, a: MailAttachment) =>
  `/dev/mail/data/${encodeURIComponent(mailId)}/attachment/${encodeURIComponent(a.generatedFileName)}?name=${encodeURIComponent(a.filename)}`;

const when = (iso: string) => (iso ? new Date(iso).toLocaleString() : "");

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** One term of the invite's list, its value shown as given (— when the file has none). */
function InviteRow({ label, value, testId, className }: { label: string; value: string | number | null | undefined; testId: string; className?: string }) {
  return (
    <div className="grid grid-cols-[7rem_minmax(0,1fr)] gap-2">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className={className} data-testid={testId}>
        {value ?? "—"}
      </dd>
    </div>
  );
}

function TimeRows({ label, t, testId }: { label: string; t: IcsTime | null; testId: string }) {
  if (!t) return null;
  return (
    <div className="grid grid-cols-[7rem_minmax(0,1fr)] gap-2">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="flex flex-col" data-testid={testId} data-at={t.at?.toISOString() ?? ""}>
        {t.at ? (
          <>
            <span data-testid={`${testId}-utc`}>{utcText(t.at)}</span>
            <span className="text-muted-foreground" data-testid={`${testId}-local`}>
              {localText(t.at)} (here, {browserZone()})
            </span>
          </>
        ) : (
          <span>
            {t.raw}
            {t.tzid ? ` (${t.tzid})` : ""}
          </span>
        )}
      </dd>
    </div>
  );
}

/** A text/calendar attachment read: METHOD, SUMMARY, the times (UTC and here), STATUS, SEQUENCE; and the file. */
function InvitePanel({ mailId, attachment }: { mailId: string; attachment: MailAttachment }) {
  const href = attachmentHref(mailId, attachment);
  const headingId = useId();
  const invite = useQuery({
    queryKey: ["dev", "mail", mailId, "attachment", attachment.generatedFileName],
    queryFn: async () => {
      const res = await fetch(href, { cache: "no-store" });
      if (!res.ok) throw new Error(`The attachment could not be read (HTTP ${res.status})`);
      return parseInvite(await res.text());
    },
    staleTime: Infinity,
  });
  const i = invite.data;
  return (
    <section
      aria-labelledby={headingId}
      className="flex flex-col gap-3 rounded-lg border border-border bg-muted/40 p-4"
      data-testid="invite-panel"
      data-method={i?.method ?? ""}
      data-start={i?.start?.at?.toISOString() ?? ""}
    >
      <h3 id={headingId} className="flex items-center gap-2 font-semibold">
        <CalendarDays className="size-4" aria-hidden /> Calendar invite
      </h3>
      {invite.isPending ? (
        <Loading label="Reading the invite…" className="justify-start p-0" />
      ) : invite.isError ? (
        <ErrorState error={invite.error.message} onRetry={() => invite.refetch()} />
      ) : (
        <dl className="flex flex-col gap-1.5 text-sm">
          <InviteRow label="Method" value={i?.method} testId="invite-method" className="font-mono font-semibold" />
          <InviteRow label="Summary" value={i?.summary} testId="invite-summary" className="break-words" />
          <TimeRows label="Starts" t={i?.start ?? null} testId="invite-start" />
          <TimeRows label="Ends" t={i?.end ?? null} testId="invite-end" />
          <InviteRow label="Status" value={i?.status} testId="invite-status" className="font-mono" />
          <InviteRow label="Sequence" value={i?.sequence} testId="invite-sequence" className="font-mono" />
        </dl>
      )}
      <div>
        <a href={href} download={attachment.filename} className="inline-flex items-center gap-1.5 text-sm font-medium text-primary underline underline-offset-4" data-testid="invite-download">
          <Download className="size-4" aria-hidden /> Download {attachment.filename}
        </a>
      </div>
    </section>
  );
}

/** The HTML part, shown sandboxed: no scripts, no access to this page; links open in a new tab. */
function HtmlBody({ mail }: { mail: CaughtMail }) {
  const doc = useMemo(() => `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"></head><body>${mail.html}</body></html>`, [mail.html]);
  return (
    <iframe
      title={`HTML body of “${mail.subject || "(no subject)"}”`}
      sandbox="allow-popups allow-popups-to-escape-sandbox"
      referrerPolicy="no-referrer"
      srcDoc={doc}
      className="h-[28rem] w-full rounded-lg border border-border bg-white"
      data-testid="mail-html"
    />
  );
}

function MailDetail({ mail }: { mail: CaughtMail }) {
  const headingId = useId();
  const invites = mail.attachments.filter(isCalendar);
  return (
    <article aria-labelledby={headingId} className="flex min-w-0 flex-col gap-4" data-testid="mail-detail" data-id={mail.id}>
      <div className="flex flex-col gap-2">
        <h2 id={headingId} className="break-words text-lg font-semibold" data-testid="mail-subject">
          {mail.subject || "(no subject)"}
        </h2>
        <dl className="grid grid-cols-[5rem_minmax(0,1fr)] gap-x-2 gap-y-1 text-sm">
          <dt className="text-muted-foreground">From</dt>
          <dd className="break-all">{mail.from.map(addressText).join(", ")}</dd>
          <dt className="text-muted-foreground">To</dt>
          <dd className="break-all" data-testid="mail-to">
            {mail.to.map(addressText).join(", ")}
          </dd>
          <dt className="text-muted-foreground">Received</dt>
          <dd>
            <time dateTime={mail.time}>{when(mail.time)}</time>
          </dd>
        </dl>
        <a
          href={`/dev/mail/data/${encodeURIComponent(mail.id)}/source`}
          target="_blank"
          rel="noopener noreferrer"
          className="self-start text-sm font-medium text-primary underline underline-offset-4"
        >
          Raw message (opens in a new tab)
        </a>
      </div>
      {mail.attachments.length > 0 && (
        <section className="flex flex-col gap-2" aria-label="Attachments">
          <h3 className="flex items-center gap-1.5 text-sm font-semibold">
            <Paperclip className="size-4" aria-hidden /> Attachments
          </h3>
          <ul className="flex flex-col gap-1 text-sm" data-testid="mail-attachments">
            {mail.attachments.map((a) => (
              <li key={a.generatedFileName} data-testid="mail-attachment" data-content-type={a.contentType}>
                <a href={attachmentHref(mail.id, a)} download={a.filename} className="font-medium text-primary underline underline-offset-4">
                  {a.filename}
                </a>{" "}
                <span className="text-muted-foreground">
                  {a.contentType}
                  {a.size !== null ? `, ${sizeText(a.size)}` : ""}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {invites.map((a) => (
        <InvitePanel key={a.generatedFileName} mailId={mail.id} attachment={a} />
      ))}
      <section className="flex flex-col gap-2" aria-label="Text body">
        <h3 className="text-sm font-semibold">Text</h3>
        <pre className="max-h-96 overflow-auto whitespace-pre-wrap break-words rounded-lg border border-border bg-muted/40 p-3 font-mono text-xs" data-testid="mail-text" tabIndex={0}>
          {mail.text || "(no text part)"}
        </pre>
      </section>
      {mail.html && (
        <section className="flex flex-col gap-2" aria-label="HTML body">
          <h3 className="text-sm font-semibold">HTML</h3>
          <HtmlBody mail={mail} />
        </section>
      )}
    </article>
  );
}

/** What MailDev caught: newest first, filtered by recipient; one opened with its text, HTML, attachments and invite. */
export function DevMail({ base, initialTo }: { base: string; initialTo: string }) {
  const [to, setTo] = useState(initialTo);
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ["dev", "mail"],
    queryFn: () => devJson<{ items: CaughtMail[] }>("/dev/mail/data"),
    staleTime: 0,
    refetchInterval: POLL_MS,
  });
  // Busy only when asked by hand: the polling in the background says nothing.
  const [refreshing, setRefreshing] = useState(false);
  const refresh = () => {
    setRefreshing(true);
    void list.refetch().finally(() => setRefreshing(false));
  };
  const all = list.data?.items ?? [];
  const shown = filterByRecipient(all, to);
  const open = shown.find((m) => m.id === selected) ?? null;

  return (
    <div className="flex flex-col gap-4" data-testid="dev-mail-page">
      <DevBanner testId="dev-mail-banner" title="Offline test mode: e-mails caught by MailDev">
        Nothing here reached a real inbox. MailDev&apos;s API: <code className="break-all">{base}</code>
      </DevBanner>
      <h1 className="text-2xl font-bold">Test mail</h1>
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex min-w-0 flex-1 flex-col gap-1.5 sm:max-w-sm">
          <Label htmlFor="mail-to">Recipient</Label>
          <Input id="mail-to" type="search" placeholder="Any part of an address" value={to} onChange={(e) => setTo(e.target.value)} data-testid="mail-filter" />
        </div>
        <Button variant="outline" onClick={refresh} disabled={refreshing} data-testid="mail-refresh">
          {refreshing ? <Spinner className="size-4" /> : <RefreshCw className="size-4" aria-hidden />} Refresh
        </Button>
        <p className="pb-2 text-sm text-muted-foreground" role="status" data-testid="mail-count">
          {list.data ? (to.trim() ? `${shown.length} of ${all.length} e-mails` : `${all.length} e-mail${all.length === 1 ? "" : "s"}`) : ""}
        </p>
      </div>
      {list.isPending ? (
        <Loading label="Asking MailDev…" />
      ) : list.isError && !list.data ? (
        <ErrorState error={list.error.message} onRetry={() => list.refetch()} />
      ) : (
        <div className="grid gap-4 md:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
          <section aria-label="E-mails, newest first" className="min-w-0">
            {shown.length === 0 ? (
              <EmptyState icon={<Inbox />} title={to.trim() ? `No e-mails to “${to.trim()}”` : "No e-mails yet"}>
                The list is asked again every few seconds.
              </EmptyState>
            ) : (
              <ul className="flex flex-col divide-y divide-border rounded-lg border border-border" data-testid="mail-list">
                {shown.map((m) => (
                  <li key={m.id}>
                    <button
                      type="button"
                      onClick={() => setSelected(m.id)}
                      aria-current={m.id === open?.id ? "true" : undefined}
                      className={cn(
                        "flex w-full flex-col gap-0.5 px-3 py-2 text-left text-sm hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-ring",
                        m.id === open?.id && "bg-muted",
                      )}
                      data-testid="mail-item"
                      data-id={m.id}
                    >
                      <span className="break-words font-medium" data-testid="mail-item-subject">
                        {m.subject || "(no subject)"}
                      </span>
                      <span className="break-all text-xs text-muted-foreground">To {m.to.map((a) => a.address).join(", ")}</span>
                      <time dateTime={m.time} className="text-xs text-muted-foreground">
                        {when(m.time)}
                      </time>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <div className="min-w-0 rounded-lg border border-border p-4">
            {open ? <MailDetail mail={open} /> : <p className="text-sm text-muted-foreground">Pick an e-mail to read it.</p>}
          </div>
        </div>
      )}
    </div>
  );
}
