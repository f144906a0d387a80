/**
 * Progress of a long build, per stage (reading, chunking, embedding): a bar with rate and time
 * left on an interactive terminal (cli-progress), and otherwise, for logs and CI, a line every
 * five seconds with the same figures. Short stages print nothing.
 */
import cliProgress from 'cli-progress';
import type { BuildProgress, BuildStage } from '../../src/build/build-index.js';

const UNITS: Record<BuildStage, string> = { reading: 'files', chunking: 'documents', embedding: 'chunks' };
const LOG_EVERY_MS = 5000;

export interface ProgressReporter {
  onProgress: BuildProgress;
  stop: () => void;
}

function eta(done: number, total: number, elapsedMs: number): string {
  const rate = done / Math.max(1e-3, elapsedMs / 1000);
  const left = rate > 0 ? Math.ceil((total - done) / rate) : Infinity;
  const time = !Number.isFinite(left) ? '?' : left >= 120 ? `${Math.round(left / 60)} min` : `${left} s`;
  return `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s, about ${time} left`;
}

export function buildProgress(
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  interactive = Boolean(process.stderr.isTTY),
  clock: () => number = () => performance.now(),
): ProgressReporter {
  let stage: BuildStage | undefined;
  let started = 0;
  let lastLog = 0;
  let bar: cliProgress.SingleBar | undefined;
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onProgress(current, done, total) {
      const now = clock();
      if (current !== stage) {
        stopBar();
        stage = current;
        started = lastLog = now;
      }
      if (interactive) {
        if (!bar && now - started > 1000 && done < total) {
          bar = new cliProgress.SingleBar(
            {
              stream: process.stderr,
              // Our own estimate: cli-progress prints "eta NFs" until it has one of its own.
              format: `${current} [{bar}] {value}/{total} ${UNITS[current]} | {percentage}% | {timeLeft}`,
              clearOnComplete: true,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, { timeLeft: eta(done, total, now - started) });
        }
        bar?.update(done, { timeLeft: eta(done, total, now - started) });
      } else if (now - lastLog >= LOG_EVERY_MS && done < total) {
        lastLog = now;
        write(
          `build: ${current} ${done}/${total} ${UNITS[current]} (${Math.floor((100 * done) / total)}%), ${eta(done, total, now - started)}`,
        );
      }
    },
    stop: stopBar,
  };
}
