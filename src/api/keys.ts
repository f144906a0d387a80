/**
 * API keys, each scoped to some collections and, optionally, some routes. An operator lists them as
 * JSON (API_KEYS, or an SSM SecureString named by API_KEYS_SSM_PARAMETER):
 *
 *   [{"name": "support-bot", "key": "...", "collections": ["handbook"], "routes": ["search", "mcp"]},
 *    {"name": "ops", "key_sha256": "<hex digest of the key>", "collections": ["*"]}]
 *
 * A key is kept only as its SHA-256 digest, and a presented key is compared with every listed one
 * in constant time, so neither its length nor which entry it matched shows in the timing. Two
 * entries with the same scope rotate a key without downtime: both are valid until the old one is
 * removed (or its `expires_at` passes).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { COLLECTION_NAME } from '../index/names.js';
import type { KeyListSource } from '../config.js';

/** The routes a key can be limited to (listing collections and /health need no route of their own). */
export const KEY_ROUTES = ['search', 'documents', 'mcp'] as const;
export type KeyRoute = (typeof KEY_ROUTES)[number];

/** A listed key, as it is kept: a name for logs and messages, a digest, and what it may read. */
export interface ApiKey {
  name: string;
  digest: Buffer;
  /** The collections it may read, or every one ("*"). */
  collections: ReadonlySet<string> | 'all';
  routes: ReadonlySet<KeyRoute>;
  /** Milliseconds since the epoch after which it is refused. */
  expiresAt?: number;
}

/** Keys are meant to be random and long: a short one is a password, and is refused. */
const MIN_KEY_CHARS = 16;

const EntrySchema = z
  .object({
    name: z.string().regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"'),
    key: z.string().min(MIN_KEY_CHARS, `must be at least ${MIN_KEY_CHARS} characters`).max(1024).optional(),
    key_sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of the SHA-256 of the key')
      .optional(),
    collections: z
      .array(z.string().refine((c) => c === '*' || COLLECTION_NAME.test(c), 'must be a collection name or "*"'))
      .min(1)
      .max(1000),
    routes: z.array(z.enum(KEY_ROUTES)).min(1).optional(),
    expires_at: z.string().datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((e) => (e.key === undefined) !== (e.key_sha256 === undefined), 'give either "key" or "key_sha256", not both or neither');

const KeyringSchema = z.array(EntrySchema).min(1).max(1000);

export function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** One key for everything: API_KEY (or API_KEY_SSM_PARAMETER), as before keys had scopes. */
export function unscopedKey(key: string, name = 'API_KEY'): ApiKey {
  return { name, digest: digestOf(key), collections: 'all', routes: new Set(KEY_ROUTES) };
}

/**
 * Parses a key list. Its messages name the entry and the field, never a key: a configuration error
 * is logged, and a log is no place for a secret.
 */
export function parseKeyring(text: string, source: string): ApiKey[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text around the fault, which may be a key.
    throw new Error(`${source} is not valid JSON: it must be a list such as [{"name": "app", "key": "...", "collections": ["default"]}]`);
  }
  const parsed = KeyringSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join('.') || 'the list'}: ${issue.message}`);
  }
  const names = new Set<string>();
  return parsed.data.map((entry) => {
    if (names.has(entry.name)) throw new Error(`${source}: two keys are named "${entry.name}"; names must be unique`);
    names.add(entry.name);
    return {
      name: entry.name,
      digest: entry.key !== undefined ? digestOf(entry.key) : Buffer.from(entry.key_sha256!, 'hex'),
      collections: entry.collections.includes('*') ? 'all' : new Set(entry.collections),
      routes: new Set(entry.routes ?? KEY_ROUTES),
      ...(entry.expires_at ? { expiresAt: Date.parse(entry.expires_at) } : {}),
    };
  });
}

/**
 * A key list read as text, parsed once per text it reads (a refresh usually brings the same). A
 * list given as text is parsed now, so a malformed one stops the start instead of refusing every
 * request.
 */
function keyringOf(list: KeyListSource): () => Promise<ApiKey[]> {
  let parsed = list.text === undefined ? undefined : { text: list.text, keys: parseKeyring(list.text, list.source) };
  return async () => {
    const text = await list.read();
    if (parsed?.text !== text) parsed = { text, keys: parseKeyring(text, list.source) };
    return parsed.keys;
  };
}

/** The keys of every list, each read when asked for. */
export function keyringFromLists(lists: readonly KeyListSource[]): () => Promise<ApiKey[]> {
  const readers = lists.map(keyringOf);
  return async () => (await Promise.all(readers.map((read) => read()))).flat();
}

/** The listed key that `presented` is, if any: every entry is compared, whichever matches. */
export function matchKey(keys: readonly ApiKey[], presented: string): ApiKey | undefined {
  const digest = digestOf(presented);
  let match: ApiKey | undefined;
  for (const key of keys) {
    const same = timingSafeEqual(digest, key.digest);
    if (same && match === undefined) match = key;
  }
  return match;
}
