import type { Logger } from "../config/types.js";

/**
 * The route's logger for one request: every line names the request's model and field,
 * given once here rather than at each call. Made once per download, used only when
 * something goes wrong.
 */
export class RequestLog {
  constructor(
    private readonly logger: Logger,
    readonly model: string,
    readonly field: string,
  ) {}

  /** Something refused that may be an attack or bad data (see Logger.warn). */
  warn(message: string, details: Record<string, unknown>): void {
    this.logger.warn(message, { model: this.model, field: this.field, ...details });
  }

  /** Something failed: the database, the storage, a listener (see Logger.error). */
  error(message: string, details: Record<string, unknown>): void {
    this.logger.error(message, { model: this.model, field: this.field, ...details });
  }

  /** A failure of the record's model, not of the field: the record and session lookup. */
  modelError(message: string, details: Record<string, unknown>): void {
    this.logger.error(message, { model: this.model, ...details });
  }
}
