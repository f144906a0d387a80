/**
 * Downloads a Transformers.js model from the Hugging Face Hub (or a mirror: HF_ENDPOINT) into the
 * models directory, verifies every file (size, SHA-256 where the hub publishes it, JSON syntax) and
 * that the model loads and embeds, then moves it into place. A failure leaves any previous copy
 * of the model untouched and says what failed and where.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadTransformersEmbedder, OPTIONAL_MODEL_FILES, requiredModelFiles, type TransformersModelRef } from './transformers.js';

export interface FetchOptions {
  ref: TransformersModelRef;
  modelsDir: string;
  endpoint?: string;
  log?: (line: string) => void;
}

export interface FetchedFile {
  file: string;
  bytes: number;
  sha256: string;
  verified: 'sha256' | 'size';
}

export class FetchModelError extends Error {}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

async function download(url: string, target: string, optional: boolean): Promise<FetchedFile | undefined> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    throw new FetchModelError(
      `cannot reach ${new URL(url).origin} (${describeNetworkError(err)}): run this where the Hub is reachable, set HF_ENDPOINT to a mirror, ` +
        'or copy the model files (config.json, tokenizer.json, tokenizer_config.json, onnx/model_quantized.onnx) into the models directory by hand',
    );
  }
  if (res.status === 404 && optional) return undefined;
  if (!res.ok) throw new FetchModelError(`${url} answered ${res.status} ${res.statusText}`);
  const data = Buffer.from(await res.arrayBuffer());
  const declared = res.headers.get('content-length');
  if (declared !== null && Number(declared) !== data.length) throw new FetchModelError(`${url}: got ${data.length} bytes of ${declared}`);
  const sha256 = createHash('sha256').update(data).digest('hex');
  // The hub gives large (LFS) files' SHA-256 as their etag.
  const etag = (res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
  let verified: FetchedFile['verified'] = 'size';
  if (/^[0-9a-f]{64}$/.test(etag)) {
    if (etag !== sha256) throw new FetchModelError(`${url}: SHA-256 ${sha256} does not match the published ${etag}`);
    verified = 'sha256';
  }
  if (target.endsWith('.json')) {
    try {
      JSON.parse(data.toString('utf8'));
    } catch {
      throw new FetchModelError(`${url} is not valid JSON`);
    }
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, data);
  return { file: '', bytes: data.length, sha256, verified };
}

export async function fetchModel(options: FetchOptions): Promise<{ dir: string; files: FetchedFile[] }> {
  const { ref, modelsDir } = options;
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/$/, '');
  const log = options.log ?? (() => {});
  const finalDir = path.join(modelsDir, ref.modelId);
  fs.mkdirSync(modelsDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(modelsDir, '.partial-'));
  const stagedDir = path.join(staging, ref.modelId);
  try {
    const files: FetchedFile[] = [];
    const wanted = [
      ...requiredModelFiles(ref).map((f) => ({ f, optional: false })),
      ...OPTIONAL_MODEL_FILES.map((f) => ({ f, optional: true })),
    ];
    for (const { f, optional } of wanted) {
      const url = `${endpoint}/${ref.modelId}/resolve/main/${f}`;
      const got = await download(url, path.join(stagedDir, f), optional).catch((err: Error) => {
        if (err instanceof FetchModelError && /answered 404/.test(err.message) && !optional) {
          throw new FetchModelError(
            `${ref.modelId} has no ${f} at ${endpoint}: it is not in the Transformers.js layout (look for a Xenova/ or onnx-community/ conversion of it)`,
          );
        }
        throw err;
      });
      if (got) {
        files.push({ ...got, file: f });
        log(`  ${f}: ${got.bytes} bytes, ${got.verified === 'sha256' ? 'SHA-256 verified' : 'size verified'}`);
      }
    }
    // Prove it loads and embeds before it replaces anything.
    try {
      const embedder = await loadTransformersEmbedder(`transformers:${ref.modelId}${ref.precision === 'fp32' ? '@fp32' : ''}`, staging);
      log(`  loads: ${embedder.info.dimension}-d, window ${embedder.info.maxTokens} tokens, ${embedder.info.pooling} pooling`);
      await embedder.dispose();
    } catch (err) {
      throw new FetchModelError(`downloaded files do not load as a feature-extraction model: ${(err as Error).message}`);
    }
    fs.rmSync(finalDir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(finalDir), { recursive: true });
    fs.renameSync(stagedDir, finalDir);
    return { dir: finalDir, files };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
