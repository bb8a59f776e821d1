import { type Logger, pino } from 'pino';

/**
 * The default logger: JSON lines on stdout with the service name, level from LOG_LEVEL.
 * The runtime logs ids (eventId, eventType, correlationId, causationId, traceId) and never payloads.
 */
export function createLogger(service: string): Logger {
  return pino({ name: service, level: process.env.LOG_LEVEL ?? 'info', base: { service } });
}
