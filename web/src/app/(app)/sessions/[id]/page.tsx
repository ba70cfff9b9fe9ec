"use client";
import { useParams } from "next/navigation";
import { SessionRecordPage } from "@/components/sessions/session-record";

export default function SessionPage() {
  const { id } = useParams<{ id: string }>();
  return <SessionRecordPage key={id} id={id} />;
}
