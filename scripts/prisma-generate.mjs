// `npm run db:generate` (and postinstall): generates both Prisma clients, the
// SQLite one (prisma/schema.prisma -> lib/db/generated) and the PostgreSQL one
// (prisma/postgres/schema.prisma -> lib/db/generated-postgres), with Prisma 7's CLI
// (scripts/prisma-cli.mjs says why migrations use 6.19's); lib/db/prisma.ts picks one
// from DATABASE_URL at run time, so one build serves both databases.
import { generateClients } from "./prisma-cli.mjs";

process.exit(generateClients());
