/**
 * The Transformers.js path end to end on a tiny BERT-style model generated in the real file layout:
 * real loading (onnxruntime-node), tokenising, pooling, prefixes and windows, then an index built
 * with it and queried through the Lambda handler. No mock of the pipeline anywhere.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/article-index.js';
import { writeTinyModel } from '../helpers/tiny-model.js';
import { searchViaHttpApi } from '../../scripts/lib/lambda-events.js';
import { loadEmbedder } from '../../src/embed/load-embedder.js';
import { ModelNotFoundError, parseTransformersId } from '../../src/embed/transformers.js';
import { fetchModel } from '../../src/embed/fetch-model.js';
import { embedInWorkers } from '../../src/embed/embed-pool.js';
import { buildIndex } from '../../src/build/build-index.js';
import { readWholeIndex, IndexLoadError } from '../../src/index/read-index.js';
import { createService } from '../../src/service.js';
import { createLambdaHandler } from '../../src/adapters/lambda.js';
import { createLogger } from '../../src/api/logger.js';
import { DEFAULT_CORPUS_DIR } from '../../src/paths.js';
import type { Embedder } from '../../src/embed/embedder.js';
import type { SearchResponse } from '../../src/api/schemas.js';
import { openSearcher } from '../../src/search/open-searcher.js';
import { CALIBRATION_VERSION } from '../../src/search/index-calibration.js';
import { OFF_TOPIC_POOL } from '../../src/search/off-topic-pool.js';
import { DEFAULT_MIN_RELEVANCE, PRIOR_MODEL } from '../../src/search/relevance.js';

const TINY = 'transformers:test/tiny-bert';
const article = fs.readFileSync(path.join(DEFAULT_CORPUS_DIR, 'article.txt'), 'utf8');
const words = article.match(/[A-Za-z0-9]+/g)!;
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

let models: string;
let previousModelsDir: string | undefined;
let tiny: Embedder;

beforeAll(async () => {
  models = tempDir('models');
  writeTinyModel(models, 'test/tiny-bert', { words, semsearch: { query_prefix: 'query: ', passage_prefix: 'passage: ' } });
  writeTinyModel(models, 'test/tiny-bert-plain', { words });
  const clsDir = writeTinyModel(models, 'test/tiny-bert-cls', { words });
  fs.mkdirSync(path.join(clsDir, '1_Pooling'), { recursive: true });
  fs.writeFileSync(
    path.join(clsDir, '1_Pooling', 'config.json'),
    JSON.stringify({ word_embedding_dimension: 32, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }),
  );
  previousModelsDir = process.env.MODELS_DIR;
  process.env.MODELS_DIR = models;
  tiny = await loadEmbedder(TINY);
});

afterAll(() => {
  if (previousModelsDir === undefined) delete process.env.MODELS_DIR;
  else process.env.MODELS_DIR = previousModelsDir;
});

describe('loading a Transformers.js model from disk', () => {
  it('reads dimension, window, pooling and prefixes from the model directory', () => {
    expect(tiny.info).toEqual({
      id: TINY,
      dimension: 32,
      maxTokens: 64,
      pooling: 'mean',
      normalize: true,
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
      variant: 'quantized',
    });
  });

  it('embeds unit vectors, and texts sharing words land closer', async () => {
    const [a, b, c] = await tiny.embedPassages(['the Russian Foreign Ministry', 'Foreign Ministry of Russia', 'women and girls education']);
    for (const v of [a!, b!, c!]) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
  });

  it('puts the query prefix before questions and the passage prefix before passages', async () => {
    const plain = await loadEmbedder('transformers:test/tiny-bert-plain');
    const [query] = await tiny.embedQueries(['Taliban recognition']);
    const [passage] = await tiny.embedPassages(['Taliban recognition']);
    const [byHand] = await plain.embedPassages(['query: Taliban recognition']);
    expect(dot(query!, byHand!)).toBeCloseTo(1, 5);
    expect(dot(query!, passage!)).toBeLessThan(0.9999);
    expect(tiny.countPassageTokens('taliban')).toBe(plain.countPassageTokens('passage: taliban'));
    await plain.dispose();
  });

  it('counts special tokens in the window', async () => {
    const plain = await loadEmbedder('transformers:test/tiny-bert-plain');
    expect(plain.countPassageTokens('')).toBe(2); // [CLS] [SEP]
    expect(plain.countPassageTokens('russia taliban')).toBe(4);
    await plain.dispose();
  });

  it('takes CLS pooling from the sentence-transformers pooling config', async () => {
    const cls = await loadEmbedder('transformers:test/tiny-bert-cls');
    const mean = await loadEmbedder('transformers:test/tiny-bert-plain');
    expect(cls.info.pooling).toBe('cls');
    const [a] = await cls.embedPassages(['Moscow received the credentials']);
    const [b] = await mean.embedPassages(['Moscow received the credentials']);
    expect(dot(a!, b!)).toBeLessThan(0.999);
    await cls.dispose();
    await mean.dispose();
  });

  it('loads the full-precision variant with @fp32, close to the quantized one', async () => {
    const fp32 = await loadEmbedder(`${TINY}@fp32`);
    expect(fp32.info).toMatchObject({ id: `${TINY}@fp32`, variant: 'fp32', dimension: 32 });
    const [a] = await fp32.embedPassages(['Putin described the Taliban as an ally']);
    const [b] = await tiny.embedPassages(['Putin described the Taliban as an ally']);
    expect(dot(a!, b!)).toBeGreaterThan(0.99);
    expect(dot(a!, b!)).toBeLessThan(1 - 1e-7);
    await fp32.dispose();
  });

  it('says which files are missing and how to fetch them when a model is not on disk', async () => {
    const err = await loadEmbedder('transformers:Xenova/all-MiniLM-L6-v2').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelNotFoundError);
    expect((err as Error).message).toMatch(/missing config\.json.*npm run fetch-model -- Xenova\/all-MiniLM-L6-v2/);
  });

  it('rejects malformed ids', () => {
    expect(() => parseTransformersId('transformers:../../etc')).toThrow(ModelNotFoundError);
    expect(() => parseTransformersId('transformers:a/b@int4')).toThrow(/unknown precision/);
  });

  it('embeds in worker threads with the same results as in this thread', async () => {
    const texts = words.slice(0, 40).map((w, i) => `${w} ${words[i + 7]} ${words[i + 13]}`);
    const inWorkers = await embedInWorkers(TINY, texts, { workers: 2, batchSize: 8 });
    const here = await tiny.embedPassages(texts);
    inWorkers.forEach((v, i) => {
      expect(dot(v, here[i]!)).toBeCloseTo(1, 5);
    });
  });
});

describe('an index built and served with the tiny model', () => {
  let indexDir: string;
  let handler: ReturnType<typeof createLambdaHandler>;

  beforeAll(async () => {
    indexDir = tempDir('tiny-index');
    await buildIndex({ corpus: DEFAULT_CORPUS_DIR, out: indexDir, embedder: tiny });
    // The service loads the embedder the manifest names, through the real registry.
    const service = createService({ config: { indexDir, corsOrigins: ['*'] }, logger: createLogger({ level: 'silent' }) });
    await service.ready;
    handler = createLambdaHandler(service);
  });

  it('records the embedder in the manifest and keeps every chunk inside its 64-token window', async () => {
    const { manifest, store } = await readWholeIndex(indexDir);
    expect(manifest.embedder).toMatchObject({
      id: TINY,
      dimension: 32,
      max_tokens: 64,
      query_prefix: 'query: ',
      passage_prefix: 'passage: ',
      variant: 'quantized',
    });
    expect(manifest.chunking.max_tokens).toBe(64);
    expect(store.chunks.length).toBeGreaterThan(13); // smaller window than the bundled encoder's 128
    for (const c of store.chunks) expect(tiny.countPassageTokens(c.text)).toBeLessThanOrEqual(64);
  });

  const ask = (body: object) => searchViaHttpApi<SearchResponse>(handler, body);

  it('answers questions through the Lambda handler in hybrid and dense modes', async () => {
    const hybrid = await ask({ query: 'Which flag was raised at the Afghan embassy in Moscow?', top_k: 3 });
    expect(hybrid.model).toBe(TINY);
    expect(hybrid.results[0]!.text).toContain('flag of the Taliban-imposed Afghan state');
    const dense = await ask({ query: 'Supreme Court removed the organization from the list of terrorist groups', top_k: 3, mode: 'dense' });
    expect(dense.results[0]!.text).toContain('Supreme Court removed');
  });

  it('carries its own calibration, the same on every build of the same corpus, and answers off-topic questions with nothing', async () => {
    const { manifest } = await readWholeIndex(indexDir);
    const calibration = manifest.calibration!;
    expect(calibration.version).toBe(CALIBRATION_VERSION);
    expect(calibration.questions.off_topic).toBe(OFF_TOPIC_POOL.length);
    expect(calibration.questions.pseudo).toBeGreaterThan(5);
    // The random model's cosines sit on a scale of their own, measured on the index itself, and
    // they tell its answers from nothing: relevance leaves them out and rests on the words.
    expect(calibration.relevance.cosineScale.center).not.toBeCloseTo(PRIOR_MODEL.cosineScale.center, 2);
    expect(calibration.relevance).toMatchObject({ cosine: 0, gap: 0 });
    const again = tempDir('tiny-index-again');
    await buildIndex({ corpus: DEFAULT_CORPUS_DIR, out: again, embedder: tiny });
    expect((await readWholeIndex(again)).manifest.calibration!.relevance).toEqual(calibration.relevance);

    for (const q of [
      'How do I knit a scarf with cables?',
      'What is the best way to grow basil on a windowsill?',
      'Who won the 2022 FIFA World Cup?',
    ]) {
      const out = await ask({ query: q });
      expect(out.results, q).toEqual([]);
      expect(out.no_answer!.best_relevance).toBeLessThan(DEFAULT_MIN_RELEVANCE);
    }
    for (const q of ['What did the Russian Supreme Court do in April?', 'Which countries recognized the previous Taliban regime?']) {
      const out = await ask({ query: q });
      expect(out.results.length, q).toBeGreaterThan(0);
      expect(out.results[0]!.relevance).toBeGreaterThan(5 * DEFAULT_MIN_RELEVANCE);
    }
  });

  it('is refused, with the fix, when served with another embedder', async () => {
    const useLite = await loadEmbedder('use-lite');
    const err = await openSearcher(indexDir, { embedder: useLite }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexLoadError);
    expect((err as IndexLoadError).problem).toBe('embedder_mismatch');
    expect((err as Error).message).toMatch(
      /built with embedder "transformers:test\/tiny-bert" \(32-d\) but the server runs "use-lite" \(512-d\)/,
    );
    await useLite.dispose();
  });
});

describe('fetch-model', () => {
  /** A stand-in for the Hub on loopback, serving the tiny model with the Hub's URL scheme and etags. */
  function hub(root: string, missing: string[] = []): Promise<{ url: string; close(): void }> {
    const server = http.createServer((req, res) => {
      const m = /^\/(.+?)\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      const file = m ? path.join(root, m[1]!, m[2]!) : '';
      if (!m || missing.includes(m[2]!) || !fs.existsSync(file)) {
        res.writeHead(404).end('Entry not found');
        return;
      }
      const data = fs.readFileSync(file);
      const headers: Record<string, string> = { 'content-length': String(data.length) };
      if (file.endsWith('.onnx')) headers['x-linked-etag'] = `"${createHash('sha256').update(data).digest('hex')}"`;
      res.writeHead(200, headers).end(data);
    });
    return new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () =>
        resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }),
      ),
    );
  }

  it('downloads, verifies and installs a model, which then loads', async () => {
    const server = await hub(models);
    const target = tempDir('fetched');
    try {
      const lines: string[] = [];
      const result = await fetchModel({
        ref: parseTransformersId(TINY),
        modelsDir: target,
        endpoint: server.url,
        log: (l) => lines.push(l),
      });
      expect(result.files.map((f) => f.file)).toEqual(
        expect.arrayContaining(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx', 'semsearch.json']),
      );
      expect(result.files.find((f) => f.file.endsWith('.onnx'))!.verified).toBe('sha256');
      expect(lines.join('\n')).toMatch(/loads: 32-d, window 64 tokens/);
      expect(fs.existsSync(path.join(target, 'test/tiny-bert/onnx/model_quantized.onnx'))).toBe(true);
      expect(fs.readdirSync(target).filter((f) => f.startsWith('.partial'))).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('names a required file the hub does not have, and installs nothing', async () => {
    const server = await hub(models, ['tokenizer.json']);
    const target = tempDir('fetched');
    try {
      const err = await fetchModel({ ref: parseTransformersId(TINY), modelsDir: target, endpoint: server.url }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/has no tokenizer\.json.*Transformers\.js layout/);
      expect(fs.readdirSync(target)).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('says clearly when the hub cannot be reached', async () => {
    const closed = await hub(models);
    closed.close(); // a port that was just freed: connections are refused
    const err = await fetchModel({ ref: parseTransformersId(TINY), modelsDir: tempDir('fetched'), endpoint: closed.url }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\).*HF_ENDPOINT/);
  });
});
