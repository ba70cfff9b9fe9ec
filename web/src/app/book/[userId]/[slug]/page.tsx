"use client";
import { useParams } from "next/navigation";
import { Suspense } from "react";
import { PublicBooking } from "@/components/bookings/public-booking";
import { Loading } from "@/components/ui/states";

export default function BookPage() {
  const { userId, slug } = useParams<{ userId: string; slug: string }>();
  return (
    <Suspense fallback={<Loading className="min-h-[50vh]" />}>
      <PublicBooking hostId={decodeURIComponent(userId)} slug={decodeURIComponent(slug)} />
    </Suspense>
  );
}
