/** Service configuration from environment variables (Lambda, serverless-offline, npm start). */
import { DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR, DEFAULT_MODELS_DIR, resolveFromRoot } from './paths.js';

/** A database that has not answered in this long is reported unavailable (503), well inside API Gateway's 29 s. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;

export interface ServiceConfig {
  /** The default collection's index directory. */
  indexDir: string;
  /** The default collection's index in S3 (s3://bucket/prefix) or PostgreSQL (postgres://...), served instead of indexDir. */
  indexUri?: string;
  /** A PostgreSQL URI kept as a secret (an SSM SecureString), password included, instead of indexUri. */
  indexUriSecret?: { read: () => Promise<string>; label: string };
  /** The database password when INDEX_URI has none (from SSM Parameter Store). */
  databasePassword?: () => Promise<string>;
  /** Statement and connection timeout for a PostgreSQL index, in milliseconds (default DEFAULT_DATABASE_TIMEOUT_MS). */
  databaseTimeoutMs?: number;
  /** How often, at most, a request triggers a check of indexUri for a new index. */
  indexCheckSeconds?: number;
  /** Optional directory whose subdirectories are further collections (one index each). */
  collectionsDir?: string;
  /** One key that opens every collection and route (API_KEY, API_KEY_SSM_PARAMETER). */
  apiKey?: ApiKeySource;
  /** Keys scoped to collections and routes, as JSON lists (API_KEYS, API_KEYS_SSM_PARAMETER); api/keys.ts reads them. */
  apiKeys?: KeyListSource[];
  corsOrigins: string[];
  /** MCP tool name prefix and index description (MCP_TOOL_PREFIX, MCP_DESCRIPTION). */
  mcp?: { toolPrefix?: string; description?: string };
}

/** Where the API key comes from: the environment, or a secret store read on demand. */
export type ApiKeySource = () => Promise<string>;

/** A list of scoped keys as text, and where it comes from (for messages). */
export interface KeyListSource {
  source: string;
  read: () => Promise<string>;
  /** The text itself when the environment gives it: checked before the service starts. */
  text?: string;
}

/** Where Transformers.js models are kept (MODELS_DIR, relative to the project). */
export function modelsDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.MODELS_DIR ? resolveFromRoot(env.MODELS_DIR) : DEFAULT_MODELS_DIR;
}

/** The log level (LOG_LEVEL). */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOG_LEVEL ?? 'info';
}

/** What the command-line scripts take from the environment, as defaults their options can override. */
export interface ScriptSettings {
  /** EMBEDDER: the embedder a new build uses (unset: the scripts' default). */
  embedder: string | undefined;
  /** CORPUS_DIR: what `npm start` indexes before serving. */
  corpusDir: string;
  /** PORT and HOST: where `npm start` listens. */
  port: string;
  host: string;
  /** SEMSEARCH_URL and SEMSEARCH_API_KEY: where `npm run ask` and the MCP bridge send questions, and the key they send. */
  serverUrl: string;
  apiKey: string | undefined;
}

export function scriptSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ScriptSettings {
  const port = env.PORT || '3000';
  return {
    embedder: env.EMBEDDER || undefined,
    corpusDir: env.CORPUS_DIR ?? DEFAULT_CORPUS_DIR,
    port,
    host: env.HOST ?? '127.0.0.1',
    serverUrl: env.SEMSEARCH_URL || `http://127.0.0.1:${port}`,
    apiKey: env.SEMSEARCH_API_KEY,
  };
}

/** How often API keys kept in SSM are read again: a key added there is valid everywhere within this. */
export const DEFAULT_KEYS_REFRESH_SECONDS = 60;

/** A secret from SSM Parameter Store, decrypted. */
async function readSsmParameter(name: string): Promise<string> {
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const out = await new SSMClient({}).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = out.Parameter?.Value;
  if (!value) throw new Error(`SSM parameter ${name} is empty`);
  return value;
}

/** Reads a secret once per container; a failure is retried on the next request. */
function onceSecret(read: () => Promise<string>): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= read();
    cached.catch(() => (cached = undefined));
    return cached;
  };
}

/**
 * Reads a secret again once it is `refreshMs` old, in the background: requests go on with the
 * value they have meanwhile, and keep it if the store cannot be read (an SSM outage does not lock
 * every key holder out). Only a first read that fails is a failure.
 */
export function refreshingSecret(read: () => Promise<string>, refreshMs: number, now: () => number = Date.now): () => Promise<string> {
  let last: { value: string; at: number } | undefined;
  let reading: Promise<string> | undefined;
  const reread = () => {
    reading ??= read()
      .then((value) => {
        last = { value, at: now() };
        return value;
      })
      .finally(() => (reading = undefined));
    return reading;
  };
  return async () => {
    if (!last) return reread();
    if (now() - last.at >= refreshMs) {
      const kept = last;
      reread().catch(() => (kept.at = now())); // tried again after another period
    }
    return last.value;
  };
}

function positiveMs(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of milliseconds, 1 or more (got "${value}")`);
  return n;
}

function checkSeconds(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds, 0 or more (got "${value}")`);
  return n;
}

/** MCP tool names allow letters, digits, "_" and "-" (at most 64 with the tool's own name). */
function toolPrefix(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(value)) throw new Error(`MCP_TOOL_PREFIX must be 1-40 letters, digits, "_" or "-" (got "${value}")`);
  return value;
}

/** API_KEYS (given now) and API_KEYS_SSM_PARAMETER (read on demand, again every refresh period). */
function apiKeysFromEnv(env: NodeJS.ProcessEnv): KeyListSource[] | undefined {
  const refreshMs =
    1000 *
    (env.API_KEYS_REFRESH_SECONDS ? checkSeconds('API_KEYS_REFRESH_SECONDS', env.API_KEYS_REFRESH_SECONDS) : DEFAULT_KEYS_REFRESH_SECONDS);
  const lists: KeyListSource[] = [];
  const listed = env.API_KEYS;
  if (listed) lists.push({ source: 'API_KEYS', text: listed, read: async () => listed });
  const parameter = env.API_KEYS_SSM_PARAMETER;
  if (parameter) lists.push({ source: `SSM parameter ${parameter}`, read: refreshingSecret(() => readSsmParameter(parameter), refreshMs) });
  return lists.length ? lists : undefined;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const keyParameter = env.API_KEY_SSM_PARAMETER;
  const apiKey: ApiKeySource | undefined = env.API_KEY
    ? async () => env.API_KEY!
    : keyParameter
      ? refreshingSecret(() => readSsmParameter(keyParameter), DEFAULT_KEYS_REFRESH_SECONDS * 1000)
      : undefined;
  const apiKeys = apiKeysFromEnv(env);
  return {
    indexDir: env.INDEX_DIR ? resolveFromRoot(env.INDEX_DIR) : DEFAULT_INDEX_DIR,
    ...(env.INDEX_URI ? { indexUri: env.INDEX_URI } : {}),
    ...(env.INDEX_URI_SSM_PARAMETER
      ? {
          indexUriSecret: {
            read: onceSecret(() => readSsmParameter(env.INDEX_URI_SSM_PARAMETER!)),
            label: `the PostgreSQL URI in SSM parameter ${env.INDEX_URI_SSM_PARAMETER}`,
          },
        }
      : {}),
    ...(env.INDEX_DB_PASSWORD_SSM_PARAMETER
      ? { databasePassword: onceSecret(() => readSsmParameter(env.INDEX_DB_PASSWORD_SSM_PARAMETER!)) }
      : {}),
    ...(env.INDEX_DB_TIMEOUT_MS ? { databaseTimeoutMs: positiveMs('INDEX_DB_TIMEOUT_MS', env.INDEX_DB_TIMEOUT_MS) } : {}),
    ...(env.INDEX_CHECK_SECONDS ? { indexCheckSeconds: checkSeconds('INDEX_CHECK_SECONDS', env.INDEX_CHECK_SECONDS) } : {}),
    ...(env.COLLECTIONS_DIR ? { collectionsDir: resolveFromRoot(env.COLLECTIONS_DIR) } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(apiKeys ? { apiKeys } : {}),
    corsOrigins: (env.CORS_ORIGINS ?? '*')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    mcp: {
      ...(env.MCP_TOOL_PREFIX ? { toolPrefix: toolPrefix(env.MCP_TOOL_PREFIX) } : {}),
      ...(env.MCP_DESCRIPTION ? { description: env.MCP_DESCRIPTION } : {}),
    },
  };
}
