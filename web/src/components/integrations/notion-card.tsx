"use client";
import { CircleAlert, KeyRound, Plug, Unplug } from "lucide-react";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useConnectNotionToken, useDisconnectNotion, useIntegrations, useNotionAuthorize } from "@/hooks/queries/integrations";
import { ApiError, errorMessage } from "@/lib/api/client";
import type { Integration } from "@/lib/api/types";
import { connectedOn, isConnected, notionOf, tokenProblem, TOKEN_MAX } from "@/lib/integrations";
import { FormError } from "../payments/money-field";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { Input, Label } from "../ui/input";
import { ErrorState, Loading, Spinner } from "../ui/states";

/** Notion's mark: a plain "N" tile (no logo file, nothing fetched). */
function NotionMark() {
  return (
    <span
      aria-hidden
      className="inline-flex size-9 shrink-0 items-center justify-center rounded-lg border-2 border-foreground bg-background font-serif text-lg font-bold text-foreground"
    >
      N
    </span>
  );
}

/** Connect with a pasted token: for a Parley without a Notion OAuth app, or an internal integration. */
function TokenForm({ inputRef }: { inputRef: React.RefObject<HTMLInputElement | null> }) {
  const connect = useConnectNotionToken();
  const [token, setToken] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const uid = useId();
  const error = invalid ?? (connect.isError ? errorMessage(connect.error) : null);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const problem = tokenProblem(token);
    if (problem) {
      setInvalid(problem);
      inputRef.current?.focus();
      return;
    }
    setInvalid(null);
    connect.mutate(token.trim(), {
      onSuccess: () => setToken(""),
      onError: () => inputRef.current?.focus(),
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-2" aria-label="Connect Notion with a token" data-testid="notion-token-form">
      <Label htmlFor={`${uid}-token`}>Notion token</Label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <Input
          ref={inputRef}
          id={`${uid}-token`}
          type="password"
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          maxLength={TOKEN_MAX + 50}
          placeholder="ntn_…"
          value={token}
          onChange={(e) => {
            setToken(e.target.value);
            setInvalid(null);
            if (connect.isError) connect.reset();
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={[`${uid}-hint`, error ? `${uid}-error` : ""].filter(Boolean).join(" ")}
          data-testid="notion-token-input"
        />
        <Button type="submit" variant="outline" disabled={connect.isPending} className="shrink-0" data-testid="notion-token-submit">
          {connect.isPending ? <Spinner className="size-4" /> : <KeyRound className="size-4" aria-hidden />}
          {connect.isPending ? "Checking…" : "Connect with token"}
        </Button>
      </div>
      <span id={`${uid}-hint`} className="text-xs text-muted-foreground">
        An internal integration&apos;s secret (it starts with ntn_ or secret_). In Notion, share the pages Parley may write under with that
        integration. Notion checks the token before it is kept.
      </span>
      {error && (
        <p role="alert" id={`${uid}-error`} className="text-sm text-red-700 dark:text-red-400" data-testid="notion-token-error">
          {error}
        </p>
      )}
    </form>
  );
}

function DisconnectDialog({ notion, onClose }: { notion: Integration; onClose(): void }) {
  const disconnect = useDisconnectNotion();
  return (
    <Dialog open onClose={onClose} title="Disconnect Notion?" testId="notion-disconnect-dialog">
      <div className="flex flex-col gap-4">
        <p className="text-sm">
          Parley forgets its access to {notion.workspace_name ? <span className="font-medium">{notion.workspace_name}</span> : "your workspace"} and
          can no longer export session records there. Pages it already made stay in Notion.
        </p>
        <p className="text-sm text-muted-foreground">To remove Parley&apos;s access on Notion&apos;s side too, remove it under Settings → Connections in Notion.</p>
        <FormError>{disconnect.isError ? errorMessage(disconnect.error) : null}</FormError>
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            Keep connected
          </Button>
          <Button variant="destructive" disabled={disconnect.isPending} onClick={() => disconnect.mutate(undefined, { onSuccess: onClose })} data-testid="notion-disconnect-confirm">
            {disconnect.isPending ? "Disconnecting…" : "Disconnect"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

function Connected({ notion }: { notion: Integration }) {
  const [confirm, setConfirm] = useState(false);
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm" data-testid="notion-connected-text">
        Connected to <span className="font-semibold" data-testid="notion-workspace">{notion.workspace_name || "your Notion workspace"}</span>
        {notion.connected_at && (
          <>
            {" "}
            since <time dateTime={notion.connected_at}>{connectedOn(notion.connected_at)}</time>
          </>
        )}
        . Export a session&apos;s record from its page: it becomes a page in Notion.
      </p>
      <div>
        <Button variant="outline" onClick={() => setConfirm(true)} data-testid="notion-disconnect">
          <Unplug className="size-4" aria-hidden /> Disconnect
        </Button>
      </div>
      {confirm && <DisconnectDialog notion={notion} onClose={() => setConfirm(false)} />}
    </div>
  );
}

function Disconnected({ notion }: { notion: Integration }) {
  const authorize = useNotionAuthorize();
  const [tokenOpen, setTokenOpen] = useState(false);
  const tokenRef = useRef<HTMLInputElement>(null);
  const formId = useId();
  function openToken() {
    setTokenOpen(true);
    // Focused once shown.
    setTimeout(() => tokenRef.current?.focus(), 0);
  }

  function connect() {
    authorize.mutate(undefined, {
      onSuccess: (url) => {
        window.location.href = url;
      },
      // Without an OAuth app (503) pasting a token is the way: the form opens.
      onError: (e) => {
        if (e instanceof ApiError && e.status === 503) openToken();
      },
    });
  }

  // Going to Notion: the button stays busy until the browser leaves.
  const leaving = authorize.isPending || authorize.isSuccess;
  return (
    <div className="flex flex-col gap-4">
      {notion.problem ? (
        <p className="flex items-start gap-2 rounded-lg border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm text-amber-900 dark:text-amber-200" data-testid="notion-problem">
          <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>{notion.problem}</span>
        </p>
      ) : (
        <p className="text-sm text-muted-foreground">Connect it to export session records (who attended, the notes, the transcript) as Notion pages.</p>
      )}
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <Button onClick={connect} disabled={leaving} data-testid="notion-connect">
          {leaving ? <Spinner className="size-4" /> : <Plug className="size-4" aria-hidden />}
          {leaving ? "Opening Notion…" : "Connect Notion"}
        </Button>
        <Button
          variant="link"
          className="px-1"
          aria-expanded={tokenOpen}
          aria-controls={formId}
          onClick={() => (tokenOpen ? setTokenOpen(false) : openToken())}
          data-testid="notion-token-toggle"
        >
          or paste a token
        </Button>
      </div>
      {authorize.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="notion-connect-error">
          {errorMessage(authorize.error)}
        </p>
      )}
      <div id={formId} hidden={!tokenOpen}>
        {tokenOpen && <TokenForm inputRef={tokenRef} />}
      </div>
    </div>
  );
}

/** Notion's connection: its state, and connecting (OAuth or a pasted token) or disconnecting. */
export function NotionCard() {
  const list = useIntegrations();
  const notion = notionOf(list.data);
  const connected = isConnected(notion);
  const status = list.data ? notion.status : null;
  // A change made here (a token connected, a disconnect) is said too, not only redrawn.
  const [said, setSaid] = useState("");
  const last = useRef<string | null>(null);
  useEffect(() => {
    if (!status) return;
    if (last.current && last.current !== status) setSaid(status === "connected" ? "Notion is connected." : "Notion is disconnected.");
    last.current = status;
  }, [status]);
  return (
    <Card data-testid="notion-card" data-status={list.data ? notion.status : list.isError ? "error" : "loading"}>
      <CardHeader className="flex-row items-start gap-3">
        <NotionMark />
        <div className="flex min-w-0 flex-1 flex-col gap-1">
          <div className="flex flex-wrap items-center gap-2">
            <CardTitle>Notion</CardTitle>
            {list.data && (
              <Badge variant={connected ? "success" : "outline"} data-testid="notion-status">
                {connected ? "Connected" : "Not connected"}
              </Badge>
            )}
          </div>
          <CardDescription>Session records as Notion pages, in the workspace you choose.</CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        {list.isPending ? (
          <Loading label="Loading your connections…" className="justify-start p-2" />
        ) : list.isError ? (
          <ErrorState error={errorMessage(list.error)} onRetry={() => list.refetch()} />
        ) : connected ? (
          <Connected notion={notion} />
        ) : (
          <Disconnected notion={notion} />
        )}
        <p className="sr-only" role="status" data-testid="notion-live">
          {said}
        </p>
      </CardContent>
    </Card>
  );
}
