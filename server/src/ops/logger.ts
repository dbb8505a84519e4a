import { type Logger, pino } from 'pino';

export type { Logger };

/** Structured JSON logs (pino). `silent` in tests unless SWITCHBOARD_LOG_LEVEL says otherwise. */
export function createLogger(level = process.env.SWITCHBOARD_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'switchboard' } });
}
