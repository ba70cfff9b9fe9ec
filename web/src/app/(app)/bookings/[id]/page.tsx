"use client";
import { useParams } from "next/navigation";
import { Suspense } from "react";
import { BookingDetail } from "@/components/bookings/booking-detail";
import { Loading } from "@/components/ui/states";

export default function BookingPage() {
  const { id } = useParams<{ id: string }>();
  return (
    <Suspense fallback={<Loading />}>
      <BookingDetail key={id} id={id} />
    </Suspense>
  );
}
