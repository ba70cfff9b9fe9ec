"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { LinkList } from "@/components/links/link-list";
import { ShortenForm } from "@/components/links/shorten-form";
import { Loading } from "@/components/ui/states";

function LinksPage() {
  const params = useSearchParams();
  const router = useRouter();
  const path = usePathname();
  const tag = params.get("tag")?.trim().toLowerCase() || null;

  function onTag(next: string | null) {
    const q = new URLSearchParams();
    if (next) q.set("tag", next);
    const qs = q.toString();
    router.replace(qs ? `${path}?${qs}` : path, { scroll: false });
  }

  return (
    <div className="mx-auto flex w-full max-w-4xl flex-col gap-6 p-4 sm:p-8" data-testid="links-page">
      <div>
        <h1 className="text-2xl font-bold">Short links</h1>
        <p className="text-sm text-muted-foreground">Short URLs to share, with how often each is followed. Tag them to find them again.</p>
      </div>
      <ShortenForm />
      <LinkList tag={tag} onTag={onTag} />
    </div>
  );
}

/** My short links: shorten a URL, copy, tag and filter, edit, delete, and each one's clicks. */
export default function LinksRoute() {
  return (
    <Suspense fallback={<Loading />}>
      <LinksPage />
    </Suspense>
  );
}
