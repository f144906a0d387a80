/**
 * An index folder watched for a new build: its "version" is the manifest's identity on disk
 * (inode, size, modification time), which changes exactly when a build publishes (the manifest is
 * swapped in by a rename, last). Nothing is read to tell: reading and hashing the manifest every
 * two seconds let a huge file planted there stall the server. Used by the local server so a
 * rebuilt index is served without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RemoteIndex } from './remote.js';
import { MANIFEST_FILE } from './manifest.js';

export function watchedIndex(dir: string): RemoteIndex {
  return {
    uri: dir,
    fetch: async (ifNoneMatch) => {
      let version: string;
      try {
        const stat = fs.statSync(path.join(dir, MANIFEST_FILE));
        version = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        version = 'missing'; // opening the searcher reports what is wrong, with its fix
      }
      return version === ifNoneMatch ? undefined : { dir, etag: version };
    },
    prune: () => {}, // a build removes what its manifest no longer names
  };
}
