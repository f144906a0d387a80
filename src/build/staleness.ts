/**
 * Whether an index still matches the corpus it was built from: the corpus is read again and its
 * fingerprint compared with the manifest's (no embedding; the chunk table is read only to count
 * what changed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadCorpus } from '../corpus/load-corpus.js';
import { corpusFingerprint, documentHash } from './build-index.js';
import type { Manifest } from '../index/manifest.js';
import { readSourceHashes } from '../index/read-index.js';

export type Freshness =
  | { state: 'current'; corpus: string }
  | { state: 'stale'; corpus: string; changed: number }
  | { state: 'unknown'; reason: string };

export async function indexFreshness(indexDir: string, manifest: Manifest): Promise<Freshness> {
  const source = manifest.corpus.source;
  if (source === undefined) return { state: 'unknown', reason: 'the index does not record its corpus (built by an older version)' };
  const corpus = path.resolve(indexDir, source);
  if (!fs.existsSync(corpus)) return { state: 'unknown', reason: `its corpus ${corpus} is not here` };
  const { documents } = await loadCorpus(corpus);
  const hashes = documents.map(documentHash);
  if (corpusFingerprint(manifest.corpus.settings_hash, documents, hashes) === manifest.corpus.fingerprint)
    return { state: 'current', corpus };
  // Added, edited or removed documents (0 when only the build settings changed).
  const before = await readSourceHashes(indexDir, manifest);
  const now = new Set(documents.map((d) => d.id));
  const changed =
    documents.filter((d, i) => before.get(d.id) !== hashes[i]).length + [...before.keys()].filter((id) => !now.has(id)).length;
  return { state: 'stale', corpus, changed };
}
