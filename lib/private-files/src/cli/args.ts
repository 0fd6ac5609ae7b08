import path from "node:path";
import { parseArgs } from "node:util";

/** How the declared model's primary key travels in URLs: the kit's `stringId()`, `intId` or `uuidId`. */
export type IdKind = "string" | "int" | "uuid";

/** What `init` was asked to do, validated and normalised. */
export interface InitOptions {
  /** The app's root folder, absolute. */
  readonly dir: string;
  /** The file route's public path, normalised: `/files`, `/api/download`. */
  readonly basePath: string;
  /** The model's key in URLs and the declarations (`Document`). */
  readonly model: string;
  /** The record's field that holds the stored file path (`file`). */
  readonly field: string;
  readonly id: IdKind;
  /** Print the plan, write nothing. */
  readonly dryRun: boolean;
}

/** What the command line asks for. */
export type Command = { readonly kind: "help" } | { readonly kind: "version" } | { readonly kind: "init"; readonly options: InitOptions };

/** Bad input on the command line: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const ID_KINDS: readonly IdKind[] = ["string", "int", "uuid"];

/**
 * Parses the CLI's arguments (without `node` and the script): `init` and its flags,
 * `--help`, `--version`. Throws UsageError for an unknown command or flag, a missing
 * value, or a value `validate*` refuses.
 */
export function parseCommand(argv: readonly string[], cwd: string): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        dir: { type: "string" },
        "base-path": { type: "string" },
        model: { type: "string" },
        field: { type: "string" },
        id: { type: "string" },
        "dry-run": { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (error) {
    // parseArgs's own messages name the flag ("Unknown option '--x'"); keep them.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError("no command given (the one command is `init`)");
  if (command !== "init") throw new UsageError(`unknown command '${command}' (the one command is \`init\`)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);

  const basePath = validateBasePath(values["base-path"] ?? "/files");
  const model = validateIdentifier(values.model ?? "Document", "--model");
  const field = validateIdentifier(values.field ?? "file", "--field");
  if (field === "id") throw new UsageError("--field cannot be 'id': that is the record's key, not a file field");
  const id = values.id ?? "string";
  if (!(ID_KINDS as readonly string[]).includes(id)) {
    throw new UsageError(`--id must be one of ${ID_KINDS.join(", ")}, got '${id}'`);
  }
  return {
    kind: "init",
    options: {
      dir: path.resolve(cwd, values.dir ?? "."),
      basePath,
      model,
      field,
      id: id as IdKind,
      dryRun: values["dry-run"] ?? false,
    },
  };
}

// A route folder name that the App Router treats as a plain URL segment: no dynamic
// `[x]`, group `(x)`, slot `@x`, private `_x`, no escapes or dot segments.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;

/**
 * The base path as the kit and the route folder want it: one leading slash, no trailing
 * one (`files` and `/files/` become `/files`). Refuses the site root, segments that are
 * not plain folder names (`..`, `[x]`, `(x)`, `_x`, `%`), and paths at or under
 * `/api/auth`, where next-auth's own route lives.
 */
export function validateBasePath(raw: string): string {
  const segments = raw.split("/").filter((segment) => segment !== "");
  if (segments.length === 0) {
    throw new UsageError(`--base-path must name a folder, not the site root (got '${raw}'): the route would catch every URL`);
  }
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || /^\.+$/.test(segment)) {
      throw new UsageError(
        `--base-path segment '${segment}' is not a plain folder name (letters, digits, '.', '_', '~', '-'; starting with a letter or digit; no '..', '[', '(', '@', '%')`,
      );
    }
  }
  const basePath = `/${segments.join("/")}`;
  if (basePath === "/api/auth" || basePath.startsWith("/api/auth/")) {
    throw new UsageError(`--base-path ${basePath} collides with next-auth's route app/api/auth/[...nextauth]: pick another, e.g. /files`);
  }
  return basePath;
}

// Names the written declarations file uses itself: a model named so would shadow them.
const TAKEN_NAMES = new Set([
  "Promise", "Error", "String", "Number", "Object", "Array", "Symbol", "Boolean", "Date", "Map", "Set", "RegExp", "JSON", "Math",
  "AuthOptions", "privateFiles", "authOptions", "definePrivateFiles", "privateModel", "nextAuthSession", "signedIn",
  "stringId", "intId", "uuidId",
]);

const RESERVED_WORDS = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await any boolean never number object string symbol undefined unknown bigint type")
    .split(" "),
);

/** A JavaScript identifier (letters, digits, `_`; not starting with a digit), not a reserved word. */
export function validateIdentifier(value: string, flag: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new UsageError(`${flag} must be an identifier (letters, digits and '_', not starting with a digit), got '${value}'`);
  }
  if (RESERVED_WORDS.has(value) || RESERVED_WORDS.has(lowerFirst(value))) {
    throw new UsageError(`${flag} '${value}' is a reserved word in TypeScript`);
  }
  if (flag === "--model" && (TAKEN_NAMES.has(value) || TAKEN_NAMES.has(modelVariable(value)))) {
    throw new UsageError(`--model '${value}' would clash with a name the declarations file uses`);
  }
  return value;
}

/** The declarations' variable for a model: `Document` -> `documents`, `Address` -> `addresses`. */
export function modelVariable(model: string): string {
  const lower = lowerFirst(model);
  return /(s|x|z|ch|sh)$/.test(lower) ? `${lower}es` : `${lower}s`;
}

function lowerFirst(value: string): string {
  return value.charAt(0).toLowerCase() + value.slice(1);
}
