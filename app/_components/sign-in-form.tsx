"use client";

import { useState, type FormEvent } from "react";
import { signIn } from "next-auth/react";

interface SignInFormProps {
  callbackUrl: string;
  error?: string;
}

export function SignInForm({ callbackUrl, error }: SignInFormProps) {
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setSubmitting(true);
    try {
      // With redirect: true the browser navigates away (to callbackUrl, or back here with ?error=).
      await signIn("credentials", {
        email: String(data.get("email") ?? ""),
        password: String(data.get("password") ?? ""),
        callbackUrl,
        redirect: true,
      });
    } catch {
      setSubmitting(false);
    }
  }

  return (
    <form onSubmit={handleSubmit} className="signin-form">
      {error && (
        <p role="alert" className="error">
          {error === "TooManyAttempts" ? "Too many failed sign-ins. Wait a few minutes and try again." : "Wrong email or password."}
        </p>
      )}
      <div className="field">
        <label htmlFor="signin-email">Email</label>
        <input id="signin-email" name="email" type="email" autoComplete="username" required />
      </div>
      <div className="field">
        <label htmlFor="signin-password">Password</label>
        <input id="signin-password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button type="submit" disabled={submitting}>
        Sign in
      </button>
      <p className="hint">
        Demo accounts: <code>alice@example.com</code>, <code>bob@example.com</code> and <code>staff@example.com</code>,
        all with the password <code>demo-password</code>.
      </p>
    </form>
  );
}
