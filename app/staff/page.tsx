import type { Metadata } from "next";
import { forbidden, redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/current-user";
import { downloadsPerDay, latestDenials } from "@/lib/files/staff-report";
import { DownloadsChart } from "../_components/downloads-chart";
import { formatDate } from "../_components/format";

export const metadata: Metadata = { title: "Staff · Private files demo" };
export const dynamic = "force-dynamic";

export default async function StaffPage() {
  const user = await currentUser();
  if (!user) redirect("/signin?callbackUrl=%2Fstaff");
  if (!user.isStaff) forbidden();
  const [days, denials] = await Promise.all([downloadsPerDay(14), latestDenials(20)]);

  return (
    <>
      <h1>Downloads and denials</h1>
      <h2>Downloads per day</h2>
      <DownloadsChart days={days} />
      <h2 id="denials-heading">Latest denials</h2>
      {denials.length === 0 ? (
        <p>No download has been refused yet.</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="denials-heading" data-testid="denials">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">File</th>
                <th scope="col">Reason</th>
                <th scope="col" className="num">
                  Status
                </th>
                <th scope="col" className="num">
                  Times
                </th>
              </tr>
            </thead>
            <tbody>
              {denials.map((d) => (
                <tr key={d.id}>
                  <td>
                    <time dateTime={d.at}>{formatDate(d.at)}</time>
                    {d.count > 1 && (
                      <>
                        {" to "}
                        <time dateTime={d.lastAt}>{formatDate(d.lastAt)}</time>
                      </>
                    )}
                  </td>
                  <td>{d.who ?? <span className="muted">anonymous</span>}</td>
                  <td>{d.file}</td>
                  <td>{d.reason}</td>
                  <td className="num">{d.status}</td>
                  <td className="num">{d.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
