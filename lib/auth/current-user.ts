import { getServerSession } from "next-auth";
import { authOptions } from "./options";

export interface CurrentUser {
  id: number;
  name: string;
  email: string;
  isStaff: boolean;
}

/** The signed-in user of this request, or null. */
export async function currentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions);
  const id = Number(session?.user.id);
  if (!session || !Number.isSafeInteger(id)) return null;
  return { id, name: session.user.name ?? "", email: session.user.email ?? "", isStaff: session.user.isStaff };
}
