/**
 * Which store holds an index, from how its location is written: a folder path, `s3://bucket/prefix`
 * or `postgres://...`. The one place that decides it: the service, the build script and the
 * evaluation all ask here.
 */
import { isPostgresUri, parsePostgresUri, redact, type PostgresLocation } from './postgres/location.js';
import { isS3Uri, parseS3Uri, type S3Location } from './s3/location.js';

export type IndexLocation =
  | { store: 'folder'; path: string }
  | { store: 's3'; s3: S3Location }
  | { store: 'postgres'; postgres: PostgresLocation };

export type IndexStore = IndexLocation['store'];

/** A scheme (`S3://`, `pg:`), not a Windows drive letter: written as a location, yet none this product reads or writes. */
function looksLikeOtherLocation(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text) && !/^[A-Za-z]:[\\/]/.test(text);
}

/** The store a location names, without parsing the rest of it (a PostgreSQL URI may still lack its password). */
export function storeOf(text: string): IndexStore {
  if (isS3Uri(text)) return 's3';
  if (isPostgresUri(text)) return 'postgres';
  // Spelt almost right, it would otherwise be taken for a folder of that name, silently.
  if (looksLikeOtherLocation(text))
    throw new Error(
      `"${redact(text)}" looks like a location but is none this product reads or writes: write s3://bucket/prefix or postgres://user@host:5432/database (in lower case), or a folder path`,
    );
  return 'folder';
}

export function parseLocation(text: string): IndexLocation {
  switch (storeOf(text)) {
    case 's3':
      return { store: 's3', s3: parseS3Uri(text) };
    case 'postgres':
      return { store: 'postgres', postgres: parsePostgresUri(text) };
    default:
      return { store: 'folder', path: text };
  }
}
