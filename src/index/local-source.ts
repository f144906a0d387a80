/**
 * An index folder watched for a new build: its "version" is the manifest's own hash, which
 * changes exactly when a build publishes (the manifest is swapped in atomically, last). Used by
 * the local server so a rebuilt index is served without a restart.
 */
import path from 'node:path';
import type { RemoteIndex } from './remote.js';
import { sha256 } from './commit.js';
import { MANIFEST_FILE, MAX_MANIFEST_BYTES } from './manifest.js';
import { readRegularFileSync } from './regular-file.js';

export function watchedIndex(dir: string): RemoteIndex {
  return {
    uri: dir,
    fetch: async (ifNoneMatch) => {
      let version: string;
      try {
        version = sha256(readRegularFileSync(path.join(dir, MANIFEST_FILE), MAX_MANIFEST_BYTES));
      } catch {
        version = 'missing'; // opening the searcher reports what is wrong, with its fix
      }
      return version === ifNoneMatch ? undefined : { dir, etag: version };
    },
    prune: () => {}, // a build removes what its manifest no longer names
  };
}
