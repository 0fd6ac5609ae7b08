import type { Metadata } from "next";
import { SignInForm } from "../_components/sign-in-form";

export const metadata: Metadata = {
  title: "Sign in · Private files demo",
};

type SearchParams = { callbackUrl?: string | string[]; error?: string | string[] };

/** Only same-site paths: "//host" and "/\host" are protocol-relative URLs to another site. */
function safeCallbackUrl(value: string | string[] | undefined): string {
  const url = Array.isArray(value) ? value[0] : value;
  if (!url || !url.startsWith("/") || url.startsWith("//") || url.startsWith("/\\")) return "/";
  return url;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const error = Array.isArray(params.error) ? params.error[0] : params.error;
  return (
    <>
      <h1>Sign in</h1>
      <SignInForm callbackUrl={safeCallbackUrl(params.callbackUrl)} error={error} />
    </>
  );
}
