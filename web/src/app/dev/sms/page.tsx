import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DevSms } from "@/components/dev/dev-sms";
import { devServiceUrl } from "@/lib/dev-services";

export const metadata: Metadata = { title: "Test texts" };
// Whether there is a fake Twilio is known per request (FAKE_TWILIO_URL), not at build time.
export const dynamic = "force-dynamic";

/** The texts the fake Twilio caught, and replying as the person (offline test mode only). */
export default async function DevSmsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const base = devServiceUrl("twilio");
  if (!base) notFound();
  const { number } = await searchParams;
  return <DevSms base={base} initialNumber={typeof number === "string" ? number : ""} />;
}
