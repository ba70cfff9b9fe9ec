import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = { title: "Short links" };

export default function LinksLayout({ children }: { children: ReactNode }) {
  return children;
}
