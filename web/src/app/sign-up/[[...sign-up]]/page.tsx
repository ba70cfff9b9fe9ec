import { AuthPage } from "@/components/auth-page";

export const metadata = { title: "Sign up" };

export default function SignUpPage() {
  return <AuthPage kind="sign-up" />;
}
