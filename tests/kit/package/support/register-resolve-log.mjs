// node --import this-file: installs resolve-log-hook.mjs before the probe runs, logging to
// the file named by KIT_RESOLVE_LOG.
import { register } from "node:module";

register("./resolve-log-hook.mjs", import.meta.url, { data: { logFile: process.env.KIT_RESOLVE_LOG } });
