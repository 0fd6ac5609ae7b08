import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { indent } from "./indent.js";
import type { InitOptions } from "./args.js";
import { readAppLayout } from "./layout.js";
import { planInit, type Step } from "./plan.js";

/** Where init's report goes (the console, in the CLI). */
export interface Output {
  log(text: string): void;
}

/**
 * `next-private-files init`: plans the files the app needs, writes those that do not
 * exist yet (never overwriting one, even if it appears meanwhile), and prints what was
 * created, what to add to the files that exist, and the next steps. Returns the exit
 * status: 0, also when files existed (the instructions are the answer then). Bad input
 * throws UsageError (see args.ts, layout.ts).
 */
export function runInit(options: InitOptions, output: Output): number {
  const layout = readAppLayout(options.dir);
  const plan = planInit(options, layout);
  const done = options.dryRun ? plan.steps : plan.steps.map((step) => apply(options.dir, step));

  const created = done.filter((step) => step.kind === "create");
  const toAdd = done.filter((step) => step.kind === "add");
  const present = done.filter((step) => step.kind === "present");
  const lines: string[] = [];
  lines.push(
    `next-private-files init in ${options.dir} (${layout.codeDir === "" ? "app/ at the root" : "code in src/"}; file route at ${options.basePath})` +
      (options.dryRun ? ": dry run, nothing written" : ""),
  );
  if (created.length > 0) {
    lines.push("", options.dryRun ? "Would create:" : "Created:");
    for (const step of created) {
      lines.push(`  ${step.file}`);
      if (options.dryRun && step.kind === "create") lines.push(indent(step.contents.trimEnd(), 6), "");
    }
  }
  if (toAdd.length > 0) {
    lines.push("", "Skipped, it exists (init never overwrites a file). Add this to it yourself:");
    for (const step of toAdd) if (step.kind === "add") lines.push("", `  ${step.file}`, indent(step.instructions, 4));
  }
  if (present.length > 0) {
    lines.push("", "Skipped, it exists and is set up:");
    for (const step of present) if (step.kind === "present") lines.push(`  ${step.file}: ${step.note}`);
  }
  lines.push("", "Next steps:", ...plan.nextSteps.map((text, i) => `  ${i + 1}. ${text}`));
  output.log(lines.join("\n"));
  return 0;
}

/** Writes a create step's file; one that exists by now becomes an `add` step with its contents. */
function apply(root: string, step: Step): Step {
  if (step.kind !== "create") return step;
  const target = path.join(root, ...step.file.split("/"));
  mkdirSync(path.dirname(target), { recursive: true });
  try {
    // "wx": fails when the file exists, so a file made since planning is never replaced.
    writeFileSync(target, step.contents, { flag: "wx" });
    return step;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return { kind: "add", file: step.file, instructions: `What init would have written:\n${indent(step.contents.trimEnd(), 2)}` };
  }
}
