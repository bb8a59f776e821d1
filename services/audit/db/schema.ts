/** The audit log: one row per event received, never updated or deleted. */
export interface AuditLogTable {
  event_id: string;
  event_type: string;
  version: number;
  producer: string;
  correlation_id: string;
  causation_id: string | null;
  /** The event's occurredAt (ISO-8601 UTC). */
  occurred_at: string;
  /** When audit stored it (ISO-8601 UTC). */
  received_at: string;
  /** The event's data as JSON, personal data masked and secrets redacted. */
  data: string;
}

export interface AuditDatabase {
  audit_log: AuditLogTable;
}
