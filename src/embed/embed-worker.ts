/** Worker thread for parallel builds: loads one embedder and embeds the batches it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEmbedder } from './load-embedder.js';

interface Job {
  id: number;
  texts: string[];
}

const embedder = await loadEmbedder((workerData as { embedderId: string }).embedderId);
parentPort!.on('message', async (job: Job | 'close') => {
  if (job === 'close') {
    await embedder.dispose();
    parentPort!.close();
    return;
  }
  try {
    // One text per model call: a batch is padded to its longest text, which made batches slower per
    // passage than single calls (bundled encoder: 79 ms vs 61 ms a passage, measured here).
    const vectors: number[][] = [];
    for (const text of job.texts) vectors.push(...(await embedder.embedPassages([text])));
    parentPort!.postMessage({ id: job.id, vectors });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
