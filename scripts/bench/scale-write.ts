/**
 * Writes the synthetic index of the scale run (synthetic.ts) in a process of its own, whose heap
 * can be made large enough for a million passages. Prints one JSON line: the seconds it took.
 */
import { writeScaledIndex } from './synthetic.js';

const [out, baseDir, chunks] = process.argv.slice(2);
const started = performance.now();
await writeScaledIndex(out!, baseDir!, Number(chunks));
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000 }));
