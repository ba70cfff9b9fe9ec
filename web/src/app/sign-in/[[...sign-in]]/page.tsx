import { AuthPage } from "@/components/auth-page";

export const metadata = { title: "Sign in" };

export default function SignInPage() {
  return <AuthPage kind="sign-in" />;
}
