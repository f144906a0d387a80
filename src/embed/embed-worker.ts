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
    parentPort!.postMessage({ id: job.id, vectors: await embedder.embedPassages(job.texts) });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
