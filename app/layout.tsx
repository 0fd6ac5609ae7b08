import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { currentUser } from "@/lib/auth/current-user";
import { SignOutButton } from "./_components/sign-out-button";
import "./globals.css";

export const metadata: Metadata = {
  title: "Private files demo",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <header className="site-header">
          <div className="site-header-inner">
            <Link href="/" className="app-name">
              Private files demo
            </Link>
            {user && (
              <nav aria-label="Main" className="site-nav">
                <Link href="/">My files</Link>
                <Link href="/gallery">Gallery</Link>
                {user.isStaff && <Link href="/staff">Staff</Link>}
              </nav>
            )}
            {user ? (
              <div className="account">
                <span>
                  {user.name || user.email} <span className="muted">({user.email})</span>
                </span>
                <SignOutButton />
              </div>
            ) : (
              <Link href="/signin">Sign in</Link>
            )}
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}
