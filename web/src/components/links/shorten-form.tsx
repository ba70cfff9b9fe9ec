"use client";
import { Link2 } from "lucide-react";
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useCreateLink } from "@/hooks/queries/links";
import type { LinkView } from "@/lib/api/types";
import { CODE_MAX, CODE_MIN, EMPTY_LINK_FORM, linkProblem, linkRequest, MIN_EXPIRY_MINUTES, TAGS_MAX, toLocalInput, type LinkField, type LinkForm } from "@/lib/links";
import { cn } from "@/lib/utils";
import { FormError } from "../payments/money-field";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { Input, Label } from "../ui/input";

/** A labelled input with its hint and its error (said when it appears), tied to it by id. */
function Field({
  id,
  label,
  hint,
  error,
  className,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string | null;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={cn("flex min-w-0 flex-col gap-1.5", className)}>
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint && (
        <span className="text-xs text-muted-foreground" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span role="alert" id={`${id}-error`} className="text-sm text-red-700 dark:text-red-400" data-testid="link-field-error">
          {error}
        </span>
      )}
    </div>
  );
}

const resultText = (created: boolean) => (created ? "Your short link is ready." : "You already had a short link for this URL: here it is.");

/** What the API answered: the new link, or the one I already had for this URL. */
function Result({ link, created }: { link: LinkView; created: boolean }) {
  return (
    <div
      className="flex flex-col gap-2 rounded-lg border border-emerald-500/40 bg-emerald-500/10 p-3"
      data-testid="link-created"
      data-created={created}
      data-link-id={link.id}
    >
      <p className="text-sm font-medium">{resultText(created)}</p>
      <div className="flex flex-wrap items-center gap-2">
        <a
          href={link.short_url}
          target="_blank"
          rel="noopener noreferrer"
          className="min-w-0 break-all font-mono text-sm text-primary underline-offset-2 hover:underline"
          data-testid="link-created-url"
        >
          {link.short_url}
        </a>
        <CopyButton text={link.short_url} what="the new short link" data-testid="link-created-copy" />
      </div>
    </div>
  );
}

/** Shorten a URL: where it leads, and optionally a title, tags, a code of my own and an expiry. */
export function ShortenForm() {
  const create = useCreateLink();
  const [f, setF] = useState<LinkForm>(EMPTY_LINK_FORM);
  const [invalid, setInvalid] = useState<{ message: string; field: LinkField } | null>(null);
  const [minExpiry, setMinExpiry] = useState("");
  const uid = useId();
  const id = (name: LinkField) => `${uid}-${name}`;
  const refs = useRef<Partial<Record<LinkField, HTMLInputElement | null>>>({});

  // The earliest expiry the API takes, in the browser's zone (only known in the browser).
  useEffect(() => setMinExpiry(toLocalInput(new Date(Date.now() + MIN_EXPIRY_MINUTES * 60_000))), []);

  const problem = invalid ?? (create.isError ? linkProblem(create.error) : null);
  const fieldError = (k: LinkField) => (problem?.field === k ? problem.message : null);

  function set(k: keyof LinkForm) {
    return (e: { target: { value: string } }) => {
      setF((x) => ({ ...x, [k]: e.target.value }));
      if (problem?.field === k) {
        setInvalid(null);
        create.reset();
      }
    };
  }

  function props(k: LinkField) {
    const err = fieldError(k);
    return {
      id: id(k),
      ref: (el: HTMLInputElement | null) => {
        refs.current[k] = el;
      },
      value: f[k],
      onChange: set(k),
      "aria-invalid": err ? true : undefined,
      "aria-describedby": [`${id(k)}-hint`, err ? `${id(k)}-error` : ""].filter(Boolean).join(" "),
    } as const;
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const r = linkRequest(f);
    if ("error" in r) {
      setInvalid({ message: r.error, field: r.field });
      refs.current[r.field]?.focus();
      return;
    }
    setInvalid(null);
    create.mutate(r.ok, {
      onSuccess: () => setF(EMPTY_LINK_FORM),
      onError: (err) => {
        const p = linkProblem(err);
        if (p.field) refs.current[p.field]?.focus();
      },
    });
  }

  return (
    <Card data-testid="shorten-card">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Link2 className="size-5" aria-hidden /> Shorten a URL
        </CardTitle>
        <CardDescription>A short link that leads to it, counts its clicks, and can expire.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4" data-testid="shorten-form" aria-label="Shorten a URL">
          <Field id={id("longUrl")} label="Long URL" hint="Where the short link leads: a public http:// or https:// address." error={fieldError("longUrl")}>
            <Input
              {...props("longUrl")}
              type="url"
              inputMode="url"
              autoComplete="url"
              placeholder="https://example.com/a/long/page"
              required
              aria-required
              data-testid="shorten-url"
            />
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id={id("title")} label="Title (optional)" hint="How it is named in your list." error={fieldError("title")}>
              <Input {...props("title")} maxLength={200} data-testid="shorten-title" />
            </Field>
            <Field id={id("tags")} label="Tags (optional)" hint={`Separated by commas, up to ${TAGS_MAX}: “spring, sale”.`} error={fieldError("tags")}>
              <Input {...props("tags")} autoCapitalize="none" data-testid="shorten-tags" />
            </Field>
            <Field
              id={id("customCode")}
              label="Custom code (optional)"
              hint={`${CODE_MIN} to ${CODE_MAX} letters, digits, - or _. Empty: a random one.`}
              error={fieldError("customCode")}
            >
              <Input {...props("customCode")} maxLength={CODE_MAX} autoCapitalize="none" autoCorrect="off" spellCheck={false} data-testid="shorten-code" />
            </Field>
            <Field id={id("expires")} label="Expires (optional)" hint="Your time. After it the link stops working. Empty: never." error={fieldError("expires")}>
              <Input {...props("expires")} type="datetime-local" min={minExpiry || undefined} data-testid="shorten-expires" />
            </Field>
          </div>
          {problem && !problem.field && <FormError>{problem.message}</FormError>}
          <div className="flex flex-wrap items-center justify-end gap-2">
            {(f.longUrl || f.title || f.tags || f.customCode || f.expires) && (
              <Button
                variant="ghost"
                onClick={() => {
                  setF(EMPTY_LINK_FORM);
                  setInvalid(null);
                  create.reset();
                }}
              >
                Clear
              </Button>
            )}
            <Button type="submit" disabled={create.isPending} data-testid="shorten-submit">
              {create.isPending ? "Shortening…" : "Shorten"}
            </Button>
          </div>
        </form>
        {create.isSuccess && <Result link={create.data.link} created={create.data.created} />}
        {/* Always there, so screen readers hear the answer when it comes. */}
        <p className="sr-only" role="status">
          {create.isSuccess ? `${resultText(create.data.created)} ${create.data.link.short_url}` : ""}
        </p>
      </CardContent>
    </Card>
  );
}
