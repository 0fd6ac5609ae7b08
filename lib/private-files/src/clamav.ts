// next-private-files/clamav: ClamAV's daemon (clamd) as the kit's upload scanner, over its
// unix socket or TCP with node:net only (no client library): `clamdScanner`.
export { clamdScanner } from "./scan/clamd.js";
export type { ClamdScanner, ClamdScannerOptions, ClamdTarget } from "./scan/clamd.js";
