#!/bin/sh
# Stands in for Prisma 7's native schema engine, which these machines cannot download
# (scripts/prisma-cli.mjs): `prisma generate` does not run it; anything that does fails here.
echo "Prisma 7's schema engine is not installed: use npm run prisma -- <command> (Prisma 6.19's CLI) for migrations" >&2
exit 1
