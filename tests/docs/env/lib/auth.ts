// What the docs' examples import as `@/lib/auth`: the app's next-auth options, typed by
// next-auth itself. Only declared: the examples are type-checked, never run.
import type { AuthOptions } from "next-auth";

export declare const authOptions: AuthOptions;
