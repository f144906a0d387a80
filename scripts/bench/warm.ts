/**
 * Warm latency in one process, question by question and interleaved so that drift hits every
 * measurement alike: the bare question embedding, the search alone (given that vector), the whole
 * Lambda handler (HTTP API event in, JSON out), and the LangChain.js HNSWLib peer with the same
 * model and vectors (its similaritySearch embeds the question and searches). The peer embeds
 * through the model package's own embed(), as a LangChain user would wire it.
 */
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { Document } from '@langchain/core/documents';
import type { Embedder } from '../../src/embed/embedder.js';
import { createService } from '../../src/service.js';
import { createLambdaHandler } from '../../src/adapters/lambda.js';
import { createLogger } from '../../src/api/logger.js';
import { readWholeIndex } from '../../src/index/read-index.js';
import { apiGatewayV2Event, lambdaContext, type HttpResult } from '../lib/lambda-events.js';
import { summarize, type Summary } from './stats.js';

export interface Warm {
  handlerMs: Summary;
  embedMs: Summary;
  /** The model package's own embed() on the same question, for reference. */
  stockEmbedMs: Summary;
  searchMs: Summary;
  peerMs: Summary;
  indexLoadMs: number;
}

export type EmbedFn = (texts: string[]) => Promise<number[][]>;

export async function langchainStore(indexDir: string, embed: EmbedFn): Promise<HNSWLib> {
  const { store, floatVectors: vectors } = await readWholeIndex(indexDir);
  const lc = new HNSWLib(
    { embedDocuments: embed, embedQuery: async (t: string) => (await embed([t]))[0]! },
    { space: 'cosine', numDimensions: vectors.dimension },
  );
  const rows = Array.from({ length: vectors.count }, (_, i) => vectors.row(i));
  await lc.addVectors(
    rows,
    store.chunks.map((c) => new Document({ pageContent: c.text, metadata: { id: c.id } })),
  );
  return lc;
}

export async function measureWarm(
  indexDir: string,
  embedder: Embedder,
  stockEmbed: EmbedFn,
  questions: string[],
  warmUp = 20,
): Promise<Warm> {
  const service = createService({
    config: { indexDir, corsOrigins: ['*'] },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
  });
  await service.ready;
  const searcher = await service.collections.get();
  const handler = createLambdaHandler(service);
  const peer = await langchainStore(indexDir, stockEmbed);
  const samples: Record<'handler' | 'embed' | 'stock' | 'search' | 'peer', number[]> = {
    handler: [],
    embed: [],
    stock: [],
    search: [],
    peer: [],
  };
  const all = [...questions.slice(0, warmUp), ...questions];
  type Step = 'embed' | 'stock' | 'search' | 'handler' | 'peer';
  const steps: Record<Step, (q: string) => Promise<unknown>> = {
    embed: (q) => embedder.embedQueries([q]),
    stock: (q) => stockEmbed([q]),
    // The search alone needs the question's vector; embedding it first is not timed.
    search: async (q) => {
      const [vector] = await embedder.embedQueries([q]);
      const t = performance.now();
      await searcher.rank({ query: q, topK: 5, mode: 'hybrid' }, vector!);
      return performance.now() - t;
    },
    handler: async (q) => {
      const event = apiGatewayV2Event({
        method: 'POST',
        path: '/search',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: q, top_k: 5 }),
      });
      const res = (await handler(event, lambdaContext as never)) as HttpResult;
      if (res.statusCode !== 200) throw new Error(`handler answered ${res.statusCode}: ${res.body}`);
    },
    peer: (q) => peer.similaritySearchWithScore(q, 5),
  };
  const order: Step[] = ['embed', 'stock', 'search', 'handler', 'peer'];
  for (let i = 0; i < all.length; i++) {
    const q = all[i]!;
    // Rotate the order question by question, so no measurement always runs first or last.
    const rotated = [...order.slice(i % order.length), ...order.slice(0, i % order.length)];
    for (const step of rotated) {
      const t = performance.now();
      const result = await steps[step](q);
      const elapsed = step === 'search' ? (result as number) : performance.now() - t;
      if (i >= warmUp) samples[step].push(elapsed);
    }
  }
  return {
    handlerMs: summarize(samples.handler),
    embedMs: summarize(samples.embed),
    stockEmbedMs: summarize(samples.stock),
    searchMs: summarize(samples.search),
    peerMs: summarize(samples.peer),
    indexLoadMs: searcher.loadTimings?.indexMs ?? NaN,
  };
}
