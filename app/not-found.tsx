import Link from "next/link";

export default function NotFound() {
  return (
    <>
      <p className="status-code">Error 404</p>
      <h1>Page not found</h1>
      <p>Sorry, there is nothing at this address.</p>
      <p>
        <Link href="/">Back to my files</Link>
      </p>
    </>
  );
}
