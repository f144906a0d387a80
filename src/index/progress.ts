/** A progress bar for long builds on an interactive terminal; silent otherwise (CI logs stay clean). */
import cliProgress from 'cli-progress';
import type { EmbedProgress } from '../embed/batches.js';

export function embeddingProgressBar(minTotal = 200): { onProgress: EmbedProgress; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress(done, total) {
      if (total < minTotal) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: 'embedding [{bar}] {value}/{total} chunks | {percentage}% | eta {eta_formatted}' },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
