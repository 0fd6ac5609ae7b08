import type { ResolvedConfig } from "../../config/define.js";
import type { UploadRefusedEvent } from "../../hooks/upload-refused.js";
import type { AnySession } from "../../config/types.js";

/** Tells every `on.uploadRefused` listener, in turn; a failing one is logged, never answered. */
export async function announceRefusal(config: ResolvedConfig, event: UploadRefusedEvent<AnySession>): Promise<void> {
  for (const listener of config.hooks.uploadRefused) {
    try {
      await listener(event);
    } catch (error) {
      config.logger.error("an uploadRefused listener failed", { model: event.model, field: event.field, reason: event.reason, error });
    }
  }
}
