/** Service configuration from environment variables (Lambda, serverless-offline, npm start). */
import { DEFAULT_INDEX_DIR, DEFAULT_MODELS_DIR, resolveFromRoot } from './paths.js';

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
  apiKey?: ApiKeySource;
  corsOrigins: string[];
  /** MCP tool name prefix and index description (MCP_TOOL_PREFIX, MCP_DESCRIPTION). */
  mcp?: { toolPrefix?: string; description?: string };
}

/** Where the API key comes from: the environment, or a secret store read on demand. */
export type ApiKeySource = () => Promise<string>;

/** Where Transformers.js models are kept (MODELS_DIR, relative to the project). */
export function modelsDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.MODELS_DIR ? resolveFromRoot(env.MODELS_DIR) : DEFAULT_MODELS_DIR;
}

/** The log level (LOG_LEVEL). */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOG_LEVEL ?? 'info';
}

/** Fetches a secret from SSM Parameter Store once per container, decrypted. */
function ssmSecret(name: string): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= (async () => {
      const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
      const out = await new SSMClient({}).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = out.Parameter?.Value;
      if (!value) throw new Error(`SSM parameter ${name} is empty`);
      return value;
    })();
    cached.catch(() => (cached = undefined)); // retry on the next request after a failure
    return cached;
  };
}

function positiveMs(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of milliseconds, 1 or more (got "${value}")`);
  return n;
}

function checkSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`INDEX_CHECK_SECONDS must be a number of seconds, 0 or more (got "${value}")`);
  return n;
}

/** MCP tool names allow letters, digits, "_" and "-" (at most 64 with the tool's own name). */
function toolPrefix(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(value)) throw new Error(`MCP_TOOL_PREFIX must be 1-40 letters, digits, "_" or "-" (got "${value}")`);
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const apiKey: ApiKeySource | undefined = env.API_KEY
    ? async () => env.API_KEY!
    : env.API_KEY_SSM_PARAMETER
      ? ssmSecret(env.API_KEY_SSM_PARAMETER)
      : undefined;
  return {
    indexDir: env.INDEX_DIR ? resolveFromRoot(env.INDEX_DIR) : DEFAULT_INDEX_DIR,
    ...(env.INDEX_URI ? { indexUri: env.INDEX_URI } : {}),
    ...(env.INDEX_URI_SSM_PARAMETER
      ? {
          indexUriSecret: {
            read: ssmSecret(env.INDEX_URI_SSM_PARAMETER),
            label: `the PostgreSQL URI in SSM parameter ${env.INDEX_URI_SSM_PARAMETER}`,
          },
        }
      : {}),
    ...(env.INDEX_DB_PASSWORD_SSM_PARAMETER ? { databasePassword: ssmSecret(env.INDEX_DB_PASSWORD_SSM_PARAMETER) } : {}),
    ...(env.INDEX_DB_TIMEOUT_MS ? { databaseTimeoutMs: positiveMs('INDEX_DB_TIMEOUT_MS', env.INDEX_DB_TIMEOUT_MS) } : {}),
    ...(env.INDEX_CHECK_SECONDS ? { indexCheckSeconds: checkSeconds(env.INDEX_CHECK_SECONDS) } : {}),
    ...(env.COLLECTIONS_DIR ? { collectionsDir: resolveFromRoot(env.COLLECTIONS_DIR) } : {}),
    ...(apiKey ? { apiKey } : {}),
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
