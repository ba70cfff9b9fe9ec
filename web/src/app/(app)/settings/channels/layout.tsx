import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = { title: "Notification channels" };

export default function ChannelsLayout({ children }: { children: ReactNode }) {
  return children;
}
