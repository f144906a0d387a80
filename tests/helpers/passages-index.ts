/**
 * A real index written from passages given in the test, not from a corpus: the build's own writer
 * (lexical index, 8-bit vectors, HNSW graph, manifest last) over vectors from the real embedder.
 * For unit tests of what reads an index, without chunking or calibrating one.
 */
import type { Embedder } from '../../src/embed/embedder.js';
import { withBuildLock, writeIndex } from '../../src/build/write-index.js';
import { lexicalInput } from '../../src/build/lexical-index.js';
import { DEFAULT_BUILD_SETTINGS, manifestSettings } from '../../src/build/settings.js';
import { embedderRecord, sha256, type Manifest } from '../../src/index/manifest.js';
import type { ChunkStore } from '../../src/index/store.js';
import { VectorStore } from '../../src/vector/vector-store.js';

export interface PassagesDocument {
  id: string;
  title: string;
  passages: string[];
}

export async function writePassagesIndex(out: string, embedder: Embedder, documents: PassagesDocument[]): Promise<Manifest> {
  const store: ChunkStore = { documents: [], chunks: [] };
  for (const [doc, d] of documents.entries()) {
    store.documents.push({
      id: d.id,
      title: d.title,
      path: d.id,
      format: 'text',
      metadata: {},
      first: store.chunks.length,
      count: d.passages.length,
    });
    let start = 0;
    for (const [p, text] of d.passages.entries()) {
      store.chunks.push({ id: `${d.id}#p${p}`, doc, text, start, end: start + text.length, section: [], hash: sha256(text).slice(0, 32) });
      start += text.length + 2;
    }
  }
  const texts = store.chunks.map((c) => c.text);
  const vectors = VectorStore.unitRows(await embedder.embedPassages(texts), embedder.info.dimension);
  const sourceHashes = documents.map((d) => sha256(d.passages.join('\n\n')));
  return withBuildLock(out, () =>
    writeIndex(out, {
      store,
      vectors,
      lexicalInputs: store.chunks.map((c) => lexicalInput(store.documents[c.doc]!.title, c.section, c.text)),
      embedder: embedderRecord(embedder.info),
      settings: manifestSettings(DEFAULT_BUILD_SETTINGS, embedder.info.maxTokens),
      corpus: { settings_hash: 'test', fingerprint: sha256(sourceHashes.join('')) },
      sourceHashes,
    }),
  );
}
