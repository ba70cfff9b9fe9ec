"use client";
import { ArrowRight } from "lucide-react";
import { Show } from "@clerk/nextjs";
import Link from "next/link";
import { useAuth } from "@/lib/auth/context";
import { CLERK_ENABLED } from "@/lib/env";
import { Button } from "./ui/button";

function Cta({ signedIn }: { signedIn: boolean }) {
  return signedIn ? (
    <Link href="/dashboard">
      <Button size="lg" data-testid="cta-dashboard">
        Open Parley <ArrowRight className="size-4" aria-hidden />
      </Button>
    </Link>
  ) : (
    <div className="flex flex-wrap justify-center gap-3">
      <Link href="/sign-up">
        <Button size="lg" data-testid="cta-sign-up">
          Get started
        </Button>
      </Link>
      <Link href="/sign-in">
        <Button size="lg" variant="outline" data-testid="cta-sign-in">
          Sign in
        </Button>
      </Link>
    </div>
  );
}

export function LandingCta() {
  const { signedIn } = useAuth();
  if (CLERK_ENABLED)
    return (
      <>
        <Show when="signed-in">
          <Cta signedIn />
        </Show>
        <Show when="signed-out">
          <Cta signedIn={false} />
        </Show>
      </>
    );
  return <Cta signedIn={signedIn} />;
}
