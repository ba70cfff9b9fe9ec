"use client";
import { FlaskConical } from "lucide-react";
import type { ReactNode } from "react";

/** A dev route's JSON, or its `error` as the thrown message. */
export async function devJson<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { cache: "no-store", ...init });
  } catch (e) {
    throw new Error(`The app's server did not answer (${e instanceof Error ? e.message : String(e)})`);
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

/** The dev pages' banner: what they show is caught by an offline test service, not delivered. */
export function DevBanner({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <div role="note" className="flex items-start gap-3 rounded-lg border border-amber-500/40 bg-amber-500/10 px-4 py-3 text-sm text-amber-950 dark:text-amber-100" data-testid={testId}>
      <FlaskConical className="mt-0.5 size-5 shrink-0" aria-hidden />
      <div className="flex min-w-0 flex-col gap-0.5">
        <strong className="font-semibold">{title}</strong>
        <span>{children}</span>
      </div>
    </div>
  );
}
