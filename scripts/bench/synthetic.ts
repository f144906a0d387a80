/**
 * A corpus at scale for the search path, grown from a real index: every chunk of the base index
 * (real text, real embeddings) is kept, and further copies are added with a share of their words
 * dropped until the target count is reached. A copy's vector lies between its original and one of
 * the original's neighbours in the base graph, slightly perturbed: the new points fill in the
 * neighbourhoods of real embeddings (uniform random vectors in 512-d have no neighbourhood
 * structure and make any ANN benchmark meaningless), and they are not all centred on their
 * original (copies made by adding noise to it sit around it like spokes, each closer to it than to
 * each other, which leaves HNSW's neighbour heuristic one link per copy). BM25 sees realistic
 * posting lengths. Written with the product's own index writer.
 */
import type { Manifest } from '../../src/index/manifest.js';
import type { ChunkStore } from '../../src/index/store.js';
import { readWholeIndex } from '../../src/index/read-index.js';
import { lexicalInput } from '../../src/build/lexical-index.js';
import { VectorStore } from '../../src/vector/vector-store.js';
import { withBuildLock, writeIndex } from '../../src/build/write-index.js';
import { mulberry32 } from '../../src/search/random.js';

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** Unit vector at cosine ≈ 1/sqrt(1 + noise²) from `base`. */
function perturb(base: number[], noise: number, random: () => number): number[] {
  const g = base.map(() => gaussian(random));
  const gn = Math.hypot(...g);
  const v = base.map((x, i) => x + (noise * g[i]!) / gn);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** A point between `a` and `b` (a share `t` of the way), perturbed a little. */
function between(a: number[], b: number[], t: number, random: () => number): number[] {
  return perturb(
    a.map((x, i) => (1 - t) * x + t * b[i]!),
    0.2,
    random,
  );
}

export async function writeScaledIndex(out: string, baseDir: string, target: number, seed = 7): Promise<Manifest> {
  const random = mulberry32(seed);
  const base = await readWholeIndex(baseDir);
  const { level0, level0Starts } = base.graph.layers;
  /** One of chunk i's neighbours in the base graph, at random (itself when it has none). */
  const neighbourOf = (i: number) => {
    const from = level0Starts[i]!;
    const count = level0Starts[i + 1]! - from;
    return count ? level0[from + Math.floor(random() * count)]! : i;
  };
  const store: ChunkStore = { documents: [], chunks: [] };
  const rows: number[][] = [];
  const lexicalInputs: { body: string; context: string }[] = [];
  for (let copy = 0; store.chunks.length < target; copy++) {
    for (const doc of base.store.documents) {
      if (store.chunks.length >= target) break;
      const d = store.documents.length;
      const id = copy === 0 ? doc.id : `${doc.id}~${copy}`;
      const first = store.chunks.length;
      for (let i = doc.first; i < doc.first + doc.count && store.chunks.length < target; i++) {
        const chunk = base.store.chunks[i]!;
        const text =
          copy === 0
            ? chunk.text
            : chunk.text
                .split(' ')
                .filter(() => random() > 0.2)
                .join(' ');
        store.chunks.push({
          ...chunk,
          id: `${id}#p${i - doc.first}`,
          doc: d,
          text,
          end: chunk.start + text.length,
          hash: `${copy}-${chunk.hash}`,
        });
        lexicalInputs.push(lexicalInput(doc.title, chunk.section, text));
        rows.push(
          copy === 0
            ? base.floatVectors.row(i)
            : between(base.floatVectors.row(i), base.floatVectors.row(neighbourOf(i)), 0.1 + 0.4 * random(), random),
        );
      }
      store.documents.push({ ...doc, id, first, count: store.chunks.length - first });
    }
  }
  const m = base.manifest;
  return withBuildLock(
    out,
    async () =>
      await writeIndex(out, {
        store,
        vectors: VectorStore.unitRows(rows, m.embedder.dimension),
        lexicalInputs,
        embedder: m.embedder,
        settings: { chunking: m.chunking, lexical: m.lexical, hnsw: m.hnsw },
        corpus: {
          settings_hash: m.corpus.settings_hash,
          fingerprint: `scaled-${target}`,
        },
        sourceHashes: store.documents.map((d) => d.id),
      }),
  );
}
