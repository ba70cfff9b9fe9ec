"use client";
import { useParams } from "next/navigation";
import { RoomView } from "@/components/room/room-view";

export default function RoomPage() {
  const { id } = useParams<{ id: string }>();
  // Keyed so that switching rooms resets all per-room state.
  return <RoomView key={id} roomId={id} />;
}
