// What the docs' examples import as `@/lib/db`: the app's Prisma client. Typed by the
// client generated from tests/docs/schema.prisma (`@prisma/client` is mapped to it), so a
// wrong model, column or query argument in an example is a type error. Only declared:
// the examples are type-checked, never run.
import type { PrismaClient } from "@prisma/client";

export declare const prisma: PrismaClient;
