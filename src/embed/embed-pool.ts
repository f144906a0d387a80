/**
 * Embeds many passages on several worker threads, each with its own copy of the model: the
 * encoders here run single-threaded, so one worker per core is what uses the machine.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';

export interface PoolOptions {
  workers?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Bundled, the worker is plain JS. Run from sources (tsx, vitest) it is a .ts file: the worker
 * first registers tsx's loader in its own thread (loader flags are not inherited by workers).
 */
function startWorker(workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`./embed-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(url, { workerData });
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}

export async function embedInWorkers(embedderId: string, texts: string[], options: PoolOptions = {}): Promise<number[][]> {
  const batchSize = options.batchSize ?? 16;
  const batches: { start: number; texts: string[] }[] = [];
  for (let i = 0; i < texts.length; i += batchSize) batches.push({ start: i, texts: texts.slice(i, i + batchSize) });
  const count = Math.max(1, Math.min(options.workers ?? defaultWorkerCount(), batches.length));
  const out: number[][] = new Array(texts.length);
  if (batches.length === 0) return out;
  let next = 0;
  let done = 0;

  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = startWorker({ embedderId });
      let current: { start: number; texts: string[] } | undefined;
      const send = () => {
        current = batches[next++];
        if (current) worker.postMessage({ id: current.start, texts: current.texts });
        else worker.postMessage('close');
      };
      worker.on('message', (msg: { ready?: boolean; id?: number; vectors?: number[][]; error?: string }) => {
        if (msg.error) {
          worker.terminate();
          reject(new Error(`embedding worker failed: ${msg.error}`));
          return;
        }
        if (msg.vectors && current) {
          msg.vectors.forEach((v, j) => {
            out[current!.start + j] = v;
          });
          done += current.texts.length;
          options.onProgress?.(done, texts.length);
        }
        send();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (current && code !== 0 ? reject(new Error(`embedding worker exited with code ${code}`)) : resolve()));
    });

  await Promise.all(Array.from({ length: count }, runWorker));
  return out;
}
