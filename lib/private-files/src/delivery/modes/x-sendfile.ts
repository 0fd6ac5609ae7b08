import { DeliveryConfigError, type DeliveryMode } from "../mode.js";
import { sendfile } from "../offload.js";

/** `{ mode: "x-sendfile" }`: Apache (mod_xsendfile) or lighttpd sends the file at its absolute path. */
export const sendfileMode: DeliveryMode<{ readonly mode: "x-sendfile" }> = {
  name: "x-sendfile",
  offloads: true,
  deliver(_delivery, { file, headers }) {
    if (file.localPath === undefined) throw new DeliveryConfigError("x-sendfile needs a storage on this machine (localFileStorage)");
    return sendfile(file.localPath, headers);
  },
};
