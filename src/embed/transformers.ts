/**
 * Any Hugging Face feature-extraction model in the Transformers.js layout, run by
 * @xenova/transformers (onnxruntime-node) from a local models directory. Remote loading is off:
 * nothing is ever downloaded at build or request time (`npm run fetch-model` does that, once).
 * Ids: `transformers:<model-id>` for the quantized weights (onnx/model_quantized.onnx),
 * `transformers:<model-id>@fp32` for full precision (onnx/model.onnx).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Embedder, EmbedderInfo } from './embedder.js';
import { resolveModelSettings, type ModelSettings } from './transformers-settings.js';
import { modelsDirFromEnv } from '../config.js';
import { PROJECT_ROOT } from '../paths.js';

export const TRANSFORMERS_PREFIX = 'transformers:';

/** Model files used when present (pooling, window, tokens, our own overrides): fetched and shipped if the Hub has them. */
export const OPTIONAL_MODEL_FILES = [
  'special_tokens_map.json',
  'sentence_bert_config.json',
  '1_Pooling/config.json',
  'modules.json',
  'semsearch.json',
];

export interface TransformersModelRef {
  modelId: string;
  precision: 'quantized' | 'fp32';
}

export class ModelNotFoundError extends Error {}

export function parseTransformersId(id: string): TransformersModelRef {
  const spec = id.slice(TRANSFORMERS_PREFIX.length);
  const [modelId, precision] = spec.split('@') as [string, string | undefined];
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(modelId)) throw new ModelNotFoundError(`"${modelId}" is not a model id like Xenova/all-MiniLM-L6-v2`);
  if (precision !== undefined && precision !== 'fp32' && precision !== 'quantized') {
    throw new ModelNotFoundError(`unknown precision "@${precision}": use @fp32 or nothing (quantized)`);
  }
  return { modelId, precision: precision === 'fp32' ? 'fp32' : 'quantized' };
}

export function weightsFile(precision: TransformersModelRef['precision']): string {
  return precision === 'fp32' ? 'onnx/model.onnx' : 'onnx/model_quantized.onnx';
}

/** The files an index built with this model needs at query time (relative to the model dir). */
export function requiredModelFiles(ref: TransformersModelRef): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', weightsFile(ref.precision)];
}

/**
 * The model's files a Lambda package carries, relative to the project root: every required one
 * (a missing one is an error naming the command that fetches it) and the optional ones present.
 */
export function modelPackageFiles(ref: TransformersModelRef): string[] {
  const required = requiredModelFiles(ref);
  const files: string[] = [];
  for (const f of [...required, ...OPTIONAL_MODEL_FILES]) {
    const rel = `models/${ref.modelId}/${f}`;
    if (fs.existsSync(path.join(PROJECT_ROOT, rel))) files.push(rel);
    else if (required.includes(f)) throw new Error(`${rel} is missing: fetch the model with \`npm run fetch-model -- ${ref.modelId}\``);
  }
  return files;
}

type Extractor = ((texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<{ tolist(): number[][] }>) & {
  tokenizer: { encode(text: string): number[] };
  dispose(): Promise<void>;
};

class TransformersEmbedder implements Embedder {
  constructor(
    readonly info: EmbedderInfo,
    private readonly extractor: Extractor,
    private readonly settings: ModelSettings,
  ) {}

  countPassageTokens(text: string): number {
    return this.extractor.tokenizer.encode(this.settings.passagePrefix + text).length;
  }

  private async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const output = await this.extractor(texts, { pooling: this.settings.pooling, normalize: this.settings.normalize });
    return output.tolist();
  }

  embedPassages(texts: string[]): Promise<number[][]> {
    return this.embed(texts.map((t) => this.settings.passagePrefix + t));
  }

  embedQueries(texts: string[]): Promise<number[][]> {
    return this.embed(texts.map((t) => this.settings.queryPrefix + t));
  }

  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }
}

/** Loads a model from `root` (default: MODELS_DIR), which must hold it in the Transformers.js layout. */
export async function loadTransformersEmbedder(id: string, root: string = modelsDirFromEnv()): Promise<Embedder> {
  const ref = parseTransformersId(id);
  const dir = path.join(root, ref.modelId);
  const missing = requiredModelFiles(ref).filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    throw new ModelNotFoundError(
      `model ${ref.modelId} (${ref.precision}) is not in ${root}: missing ${missing.join(', ')}. ` +
        `Fetch it with \`npm run fetch-model -- ${ref.modelId}${ref.precision === 'fp32' ? ' --fp32' : ''}\` where huggingface.co is reachable, or copy the files there`,
    );
  }
  // Loaded on demand: the bundled default never pays for onnxruntime.
  const { env, pipeline } = await import('@xenova/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root.endsWith(path.sep) ? root : root + path.sep;
  const extractor = (await pipeline('feature-extraction', ref.modelId, {
    quantized: ref.precision === 'quantized',
    local_files_only: true,
  })) as unknown as Extractor;
  const settings = resolveModelSettings(ref.modelId, dir);
  const [probe] = (await extractor(['dimension probe'], { pooling: settings.pooling, normalize: settings.normalize })).tolist();
  const info: EmbedderInfo = {
    id: `${TRANSFORMERS_PREFIX}${ref.modelId}${ref.precision === 'fp32' ? '@fp32' : ''}`,
    dimension: probe!.length,
    maxTokens: settings.maxTokens,
    pooling: settings.pooling,
    normalize: settings.normalize,
    queryPrefix: settings.queryPrefix,
    passagePrefix: settings.passagePrefix,
    variant: ref.precision,
  };
  return new TransformersEmbedder(info, extractor, settings);
}
