import Link from "next/link";

// Shown with status 403 when a page calls forbidden() (the staff page, to non-staff).
export default function Forbidden() {
  return (
    <>
      <p className="status-code">Error 403</p>
      <h1>You cannot open this page</h1>
      <p>This page is for staff only. Sign in with a staff account to see it.</p>
      <ul>
        <li>
          <Link href="/">Back to my files</Link>
        </li>
        <li>
          <Link href="/signin?callbackUrl=%2Fstaff">Sign in with another account</Link>
        </li>
      </ul>
    </>
  );
}
