import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = { title: "Connections" };

export default function ConnectionsLayout({ children }: { children: ReactNode }) {
  return children;
}
