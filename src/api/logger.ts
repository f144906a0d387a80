/** Structured JSON logs (pino): one line per request in Lambda and in the local server. */
import pino, { type Logger } from 'pino';
import { logLevelFromEnv } from '../config.js';

export type { Logger };

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const level = options.level ?? logLevelFromEnv();
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: the auth header never reaches a log line even if a request is logged whole.
      redact: { paths: ['headers.authorization', 'headers["x-api-key"]', 'apiKey', 'api_key'], remove: true },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
