/**
 * npm run peers -- --dataset <dir> [--dataset <dir> ...]: the systems users would otherwise pick, on each dataset,
 * the same chunks and the same embeddings (read from the product's own index of the dataset),
 * with the same question vectors; every system's chunk hits collapse to documents the same way.
 *   - LangChain.js HNSWLib vector store: dense only, as users wire it (addVectors + similarity search)
 *   - Orama: its hybrid search (BM25 + vector), default weights
 *   - wink-bm25-text-search: plain BM25 with its usual prep (lower-case, tokenise, stop words, stem)
 *   - this product in its three modes
 * Prints a Markdown table and, last, one JSON line.
 */
import { Command } from 'commander';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import bm25 from 'wink-bm25-text-search';
import nlp from 'wink-nlp-utils';
import { loadEmbedder, DEFAULT_EMBEDDER } from '../src/embed/load-embedder.js';
import type { Embedder } from '../src/embed/embedder.js';
import path from 'node:path';
import { prepareSet } from '../src/eval/prepared.js';
import { collapseToDocuments, evaluate, METRIC_NAMES, type Metrics, type Run } from '../src/eval/metrics.js';
import { readWholeIndex } from '../src/index/read-index.js';
import { lexicalInput } from '../src/build/lexical-index.js';
import type { SearchMode } from '../src/search/query.js';
import { positiveInt } from './lib/cli.js';
import { resolveFromCwd } from '../src/paths.js';
import { scriptSettingsFromEnv } from '../src/config.js';

const settings = scriptSettingsFromEnv();

type Hits = { docId: string; score: number }[];
type System = { name: string; search: (query: string, vector: number[], depth: number) => Promise<Hits> };

/** LangChain only needs the embedder for questions; vectors for passages come from our index. */
function langchainEmbeddings(embedder: Embedder): EmbeddingsInterface {
  return {
    embedDocuments: (texts: string[]) => embedder.embedPassages(texts),
    embedQuery: async (text: string) => (await embedder.embedQueries([text]))[0]!,
  };
}

interface Options {
  dataset: string[];
  embedder: string;
  topK: number;
  only?: string;
}

type Row = { system: string; metrics: Metrics; ms_per_query: number };

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Every system on one dataset; prints its table and returns the rows. */
async function peersOn(dir: string, embedder: Embedder, opts: Options): Promise<Row[]> {
  const set = await prepareSet(resolveFromCwd(dir), { embedder, topK: opts.topK, log });
  const { data, searcher, depth, judged } = set;
  const questionVectors = set.vectors;
  const { store, floatVectors: vectors, manifest } = await readWholeIndex(set.indexDir);
  const docOf = (i: number) => store.documents[store.chunks[i]!.doc]!;
  const lexicalText = (i: number) => {
    const input = lexicalInput(docOf(i).title, store.chunks[i]!.section, store.chunks[i]!.text);
    return `${input.context}\n${input.body}`;
  };

  const systems: System[] = [];
  for (const mode of ['hybrid', 'dense', 'lexical'] as SearchMode[]) {
    systems.push({
      name: `semsearch ${mode}${mode === 'hybrid' ? ' (shipped default)' : ''}`,
      // The ranking alone, as the peers do it: no snippets or sources for a thousand hits.
      search: async (query, vector, k) =>
        (await searcher.scoreChunks({ query, topK: k, mode }, mode === 'lexical' ? undefined : vector)).map((h) => ({
          docId: searcher.documentOf(h.id).id,
          score: h.score,
        })),
    });
  }

  log('LangChain HNSWLib: adding vectors');
  const lc = new HNSWLib(langchainEmbeddings(embedder), { space: 'cosine', numDimensions: vectors.dimension });
  const rows = Array.from({ length: vectors.count }, (_, i) => vectors.row(i));
  await lc.addVectors(
    rows,
    store.chunks.map((c, i) => new Document({ pageContent: c.text, metadata: { docId: docOf(i).id } })),
  );
  systems.push({
    name: 'LangChain.js HNSWLib (dense)',
    search: async (_q, vector, k) =>
      (await lc.similaritySearchVectorWithScore(vector, k)).map(([d, distance]) => ({
        docId: d.metadata.docId as string,
        score: 1 - distance,
      })),
  });

  log('Orama: inserting chunks');
  const orama = create({ schema: { docId: 'string', text: 'string', embedding: `vector[${vectors.dimension}]` } as const });
  await insertMultiple(
    orama,
    store.chunks.map((_, i) => ({ docId: docOf(i).id, text: lexicalText(i), embedding: rows[i]! })),
    1000,
  );
  systems.push({
    name: 'Orama hybrid',
    search: async (query, vector, k) => {
      const r = await oramaSearch(orama, {
        mode: 'hybrid',
        term: query,
        properties: ['text'],
        vector: { value: vector, property: 'embedding' },
        similarity: 0,
        limit: k,
      });
      return r.hits.map((h) => ({ docId: (h.document as { docId: string }).docId, score: h.score }));
    },
  });

  log('wink BM25: learning chunks');
  const engine = bm25();
  engine.defineConfig({ fldWeights: { body: 1 } });
  engine.definePrepTasks([nlp.string.lowerCase, nlp.string.tokenize0, nlp.tokens.removeWords, nlp.tokens.stem]);
  store.chunks.forEach((_, i) => {
    engine.addDoc({ body: lexicalText(i) }, i);
  });
  engine.consolidate();
  systems.push({
    name: 'BM25 (wink-bm25-text-search)',
    search: async (query, _v, k) =>
      (engine.search(query, k) as [string, number][]).map(([id, score]) => ({ docId: docOf(Number(id)).id, score })),
  });

  const only = opts.only
    ? new Set(
        String(opts.only)
          .split(',')
          .map((s) => s.trim()),
      )
    : undefined;
  const results: Row[] = [];
  for (const system of systems) {
    if (only && ![...only].some((o) => system.name.toLowerCase().includes(o.toLowerCase()))) continue;
    const run: Run = new Map();
    const started = performance.now();
    for (let j = 0; j < judged.length; j++) {
      const hits = await system.search(data.queries.get(judged[j]!)!, questionVectors[j]!, depth);
      run.set(
        judged[j]!,
        collapseToDocuments(hits)
          .sort((a, b) => b.score - a.score)
          .slice(0, opts.topK),
      );
    }
    const ms = (performance.now() - started) / judged.length;
    const { metrics } = evaluate(run, data.qrels);
    results.push({ system: system.name, metrics, ms_per_query: ms });
    log(`${system.name}: nDCG@10 ${metrics['ndcg@10'].toFixed(4)}`);
  }
  console.log(`\n${data.name}, ${judged.length} judged queries, embedder ${embedder.info.id}, ${manifest.counts.chunks} chunks\n`);
  console.log(`| system | ${METRIC_NAMES.join(' | ')} | ranking ms/query |`);
  console.log(`|---|${METRIC_NAMES.map(() => '---').join('|')}|---|`);
  for (const r of results)
    console.log(`| ${r.system} | ${METRIC_NAMES.map((m) => r.metrics[m].toFixed(3)).join(' | ')} | ${r.ms_per_query.toFixed(2)} |`);
  return results;
}

const program = new Command('peers')
  .requiredOption('--dataset <dir...>', 'BEIR-layout datasets')
  .option('--embedder <id>', 'embedder id', settings.embedder ?? DEFAULT_EMBEDDER)
  .option('--top-k <n>', 'documents per query', positiveInt, 100)
  .option('--only <names>', 'comma-separated subset of systems to run')
  .action(async (opts: Options) => {
    const embedder = await loadEmbedder(opts.embedder);
    const names: string[] = [];
    const all: Row[][] = [];
    for (const dir of opts.dataset) {
      all.push(await peersOn(dir, embedder, opts));
      names.push(path.basename(path.resolve(dir)));
    }
    if (all.length > 1) {
      console.log(`\nnDCG@10 side by side\n\n| system | ${names.join(' | ')} |\n|---|${names.map(() => '---').join('|')}|`);
      for (const r of all[0]!)
        console.log(
          `| ${r.system} | ${all.map((rows) => rows.find((x) => x.system === r.system)?.metrics['ndcg@10'].toFixed(3) ?? '').join(' | ')} |`,
        );
    }
    console.log(
      JSON.stringify(
        names.map((name, d) => ({
          dataset: name,
          embedder: embedder.info.id,
          results: all[d]!.map((r) => ({
            system: r.system,
            ...Object.fromEntries(METRIC_NAMES.map((m) => [m, Number(r.metrics[m].toFixed(4))])),
          })),
        })),
      ),
    );
    await embedder.dispose();
  });

program.parseAsync().catch((err: Error) => {
  console.error(`peers: ${err.stack ?? err.message}`);
  process.exit(1);
});
