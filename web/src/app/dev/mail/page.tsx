import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DevMail } from "@/components/dev/dev-mail";
import { devServiceUrl } from "@/lib/dev-services";

export const metadata: Metadata = { title: "Test mail" };
// Whether there is a MailDev is known per request (MAILDEV_API), not at build time.
export const dynamic = "force-dynamic";

/** The e-mails MailDev caught (offline test mode; a production server without MAILDEV_API has no such page). */
export default async function DevMailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const base = devServiceUrl("maildev");
  if (!base) notFound();
  const { to } = await searchParams;
  return <DevMail base={base} initialTo={typeof to === "string" ? to : ""} />;
}
