import { drizzle } from "drizzle-orm/better-sqlite3";
import * as schema from "./schema";
import { sqlite } from "./sqlite";

export const db = drizzle({ client: sqlite, schema });
