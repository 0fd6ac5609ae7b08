/** The text of `next-private-files --help`. */
export const HELP = `Usage: npx next-private-files init [options]

Adds next-private-files to a Next.js 16 App Router app. Writes, each only if it does not
exist yet (into src/ when the app keeps its code there):
  app/<base-path>/[...path]/route.ts  the file route: every method from createPrivateFileRoute
  lib/private-files.ts                one model and field declared, with TODOs for your ORM
                                      and your next-auth options
  instrumentation.ts                  restoreContentLength() and stampClientAddress()
  proxy.ts                            a 404 for file URLs with malformed %-escapes
  next.config.mjs                     serverExternalPackages (only when there is no next.config)

init never overwrites a file: for each one that exists it prints what to add instead,
and still exits 0. It exits 2 on bad input (an unknown flag, a bad value, a folder
without package.json), 1 when writing fails.

Options:
  --dir <path>         the app's root folder (default: the current folder)
  --base-path <path>   the URL path files are served under (default: /files)
  --model <Name>       the model to declare, its key in file URLs (default: Document)
  --field <name>       the record's field holding the stored file path (default: file)
  --id <kind>          the model's id: string (cuid, nanoid), int or uuid (default: string)
  --dry-run            print what would be written, write nothing
  -h, --help           this text
  -v, --version        the package's version
`;
