import { currentUser } from "@/lib/auth/current-user";
import { revokeShareLink } from "@/lib/files/share-links";
import { refuseForeignRequest } from "@/lib/http/guard";

/** Revokes one of the user's links: 204; 404 when there is no such link of theirs. */
export async function DELETE(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const refused = refuseForeignRequest(request);
  if (refused) return refused;
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in to revoke your links" }, { status: 401 });
  const { id } = await context.params;
  if (!(await revokeShareLink(user.id, id))) return Response.json({ error: "no such link of yours" }, { status: 404 });
  return new Response(null, { status: 204 });
}
