"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { MessageSquareReply, MessagesSquare, RefreshCw } from "lucide-react";
import { useState, type FormEvent } from "react";
import { replyProblem, type CaughtText } from "@/lib/dev-inbox";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Input, Label } from "../ui/input";
import { EmptyState, ErrorState, Loading, Spinner } from "../ui/states";
import { DevBanner, devJson } from "./dev-bits";

const POLL_MS = 3000;
const listKey = ["dev", "sms"] as const;

const when = (iso: string) => (iso ? new Date(iso).toLocaleString() : "");

function matches(t: CaughtText, q: string): boolean {
  const v = q.replace(/[\s().-]/g, "");
  return !v || t.to.includes(v) || t.from.includes(v);
}

/** Someone texts Parley's number back (STOP, START, HELP, anything): the fake Twilio posts it, signed, to the API. */
function ReplyForm({ defaultFrom }: { defaultFrom: string }) {
  const qc = useQueryClient();
  const [from, setFrom] = useState(defaultFrom);
  const [body, setBody] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: (v: { from: string; body: string }) =>
      devJson<{ status: number }>("/dev/sms/reply", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(v) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: listKey }),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const v = { from: from.replace(/[\s().-]/g, ""), body };
    const p = replyProblem(v.from, v.body);
    setProblem(p);
    if (p) return;
    send.mutate(v, { onSuccess: () => setBody("") });
  }

  const error = problem ?? (send.isError ? send.error.message : null);
  const status = send.data?.status;
  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <MessageSquareReply className="size-5" aria-hidden /> Reply as
        </CardTitle>
        <CardDescription>Text Parley&apos;s number back from a phone, e.g. STOP to turn texts off or START to turn them on again.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3" aria-label="Reply as a phone" data-testid="sms-reply-form">
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="sms-reply-from">From number</Label>
              <Input
                id="sms-reply-from"
                type="tel"
                className="sm:w-48"
                placeholder="+15551234567"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
                data-testid="sms-reply-from"
              />
            </div>
            <div className="flex min-w-0 flex-1 flex-col gap-1.5">
              <Label htmlFor="sms-reply-body">Message</Label>
              <Input id="sms-reply-body" placeholder="STOP" maxLength={1600} value={body} onChange={(e) => setBody(e.target.value)} data-testid="sms-reply-body" />
            </div>
            <Button type="submit" disabled={send.isPending} data-testid="sms-reply-submit">
              {send.isPending ? <Spinner className="size-4" /> : null} Send reply
            </Button>
          </div>
          {error && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="sms-reply-error">
              {error}
            </p>
          )}
          <p role="status" className="text-sm" data-testid="sms-reply-result" data-status={status ?? ""}>
            {status !== undefined && !send.isPending && !error
              ? status >= 200 && status < 300
                ? `Sent: Parley's webhook answered ${status}.`
                : status === 0
                  ? "Sent, but Parley's webhook could not be reached."
                  : `Sent, but Parley's webhook answered ${status}.`
              : ""}
          </p>
        </form>
      </CardContent>
    </Card>
  );
}

/** What the fake Twilio caught (texts sent and replies), newest first; and replying as the person. */
export function DevSms({ base, initialNumber }: { base: string; initialNumber: string }) {
  const [number, setNumber] = useState(initialNumber);
  const list = useQuery({
    queryKey: listKey,
    queryFn: () => devJson<{ items: CaughtText[] }>("/dev/sms/data"),
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
  const shown = all.filter((t) => matches(t, number));

  return (
    <div className="flex flex-col gap-4" data-testid="dev-sms-page">
      <DevBanner testId="dev-sms-banner" title="Offline test mode: texts caught by the fake Twilio">
        Nothing here reached a real phone. The fake Twilio: <code className="break-all">{base}</code>
      </DevBanner>
      <h1 className="text-2xl font-bold">Test texts</h1>
      <ReplyForm defaultFrom={initialNumber} />
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex min-w-0 flex-1 flex-col gap-1.5 sm:max-w-xs">
          <Label htmlFor="sms-number">Phone number</Label>
          <Input id="sms-number" type="search" placeholder="Any part of a number" value={number} onChange={(e) => setNumber(e.target.value)} data-testid="sms-filter" />
        </div>
        <Button variant="outline" onClick={refresh} disabled={refreshing} data-testid="sms-refresh">
          {refreshing ? <Spinner className="size-4" /> : <RefreshCw className="size-4" aria-hidden />} Refresh
        </Button>
        <p className="pb-2 text-sm text-muted-foreground" role="status" data-testid="sms-count">
          {list.data ? (number.trim() ? `${shown.length} of ${all.length} texts` : `${all.length} text${all.length === 1 ? "" : "s"}`) : ""}
        </p>
      </div>
      {list.isPending ? (
        <Loading label="Asking the fake Twilio…" />
      ) : list.isError && !list.data ? (
        <ErrorState error={list.error.message} onRetry={() => list.refetch()} />
      ) : shown.length === 0 ? (
        <EmptyState icon={<MessagesSquare />} title={number.trim() ? `No texts to or from ${number.trim()}` : "No texts yet"}>
          The list is asked again every few seconds.
        </EmptyState>
      ) : (
        // Focusable, so a keyboard can scroll it sideways on a narrow screen.
        <div className="overflow-x-auto rounded-lg border border-border focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring" role="region" aria-label="Texts" tabIndex={0}>
          <table className="w-full min-w-[40rem] border-collapse text-sm" data-testid="sms-list">
            <caption className="sr-only">Texts, newest first</caption>
            <thead>
              <tr className="border-b border-border bg-muted/40 text-left">
                <th scope="col" className="px-3 py-2 font-medium">
                  When
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Direction
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  From
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  To
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Text
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Status
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((t) => (
                <tr key={t.sid} className="border-b border-border align-top last:border-0" data-testid="sms-row" data-sid={t.sid} data-direction={t.direction}>
                  <td className="whitespace-nowrap px-3 py-2">
                    <time dateTime={t.date}>{when(t.date)}</time>
                  </td>
                  <td className="px-3 py-2">
                    <Badge variant={t.direction === "inbound" ? "secondary" : "outline"}>{t.direction === "inbound" ? "Received (reply)" : "Sent by Parley"}</Badge>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">{t.from || "—"}</td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums" data-testid="sms-to">
                    {t.to || "—"}
                  </td>
                  <td className="min-w-0 whitespace-pre-wrap break-words px-3 py-2" data-testid="sms-body">
                    {t.body}
                  </td>
                  <td className="px-3 py-2" data-testid="sms-status">
                    {t.status}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
