import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";

// clerkMiddleware without keys makes every request 500, so it is mounted only when
// Clerk is configured. In dev-auth mode pages guard themselves on the client.
const clerkConfigured = Boolean(process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY && process.env.CLERK_SECRET_KEY);

const isProtected = createRouteMatcher(["/dashboard(.*)", "/rooms(.*)", "/users(.*)", "/profile(.*)", "/notes(.*)", "/creators(.*)", "/payments(.*)", "/payouts(.*)", "/subscriptions(.*)", "/bookings(.*)", "/sessions(.*)", "/settings(.*)"]);

const clerk = clerkConfigured
  ? clerkMiddleware(
      async (auth, req) => {
        if (isProtected(req)) await auth.protect();
      },
      // Our own pages, not Clerk's hosted Account Portal.
      { signInUrl: "/sign-in", signUpUrl: "/sign-up" },
    )
  : null;

export default function middleware(req: NextRequest, ev: NextFetchEvent) {
  if (!clerk) return NextResponse.next();
  return clerk(req, ev);
}

export const config = {
  matcher: ["/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)"],
};
