/** Structured JSON logs (pino): one line per request in Lambda and in the local server. */
import pino, { type Logger } from 'pino';
import { logLevelFromEnv } from '../config.js';

export type { Logger };

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const level = options.level ?? logLevelFromEnv();
  return pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: the auth header never reaches a log line even if a request is logged whole.
      redact: { paths: ['headers.authorization', 'headers["x-api-key"]', 'apiKey', 'api_key'], remove: true },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** What the one log line of a request says, whichever door it came through. */
export interface RequestLine {
  id?: string | undefined;
  /** http (every HTTP shape, Lambda events included) or invoke (a direct Lambda invoke). */
  door: 'http' | 'invoke';
  method?: string;
  path?: string;
  status: number;
  startedAt: number;
  results?: number | undefined;
  collection?: string | undefined;
  mode?: string | undefined;
  /** The name of the API key presented (never the key). */
  key?: string | undefined;
  /** Why it failed, for a status of 400 and above. */
  error?: string;
}

/** The request's line: at error level for a fault on this side (5xx), at info otherwise. */
export function logRequest(logger: Logger, line: RequestLine): void {
  const { startedAt, ...fields } = line;
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  logger[line.status >= 500 ? 'error' : 'info']({
    msg: 'request',
    ...present,
    latency_ms: Math.round((performance.now() - startedAt) * 100) / 100,
  });
}
