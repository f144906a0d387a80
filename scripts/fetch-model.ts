/** npm run fetch-model -- <model-id> [--fp32] [--models-dir <dir>]: download a Transformers.js model. */
import { Command } from 'commander';
import { fetchModel } from '../src/embed/fetch-model.js';
import { parseTransformersId } from '../src/embed/transformers.js';
import { modelsDirFromEnv } from '../src/config.js';
import { resolveFromCwd } from '../src/paths.js';

const program = new Command('fetch-model')
  .argument('<model-id>', 'e.g. Xenova/all-MiniLM-L6-v2, Xenova/bge-small-en-v1.5, Xenova/e5-small-v2')
  .option('--fp32', 'full-precision weights (onnx/model.onnx) instead of quantized')
  .option('--models-dir <dir>', 'where models live (env MODELS_DIR)')
  .action(async (id: string, opts) => {
    const ref = parseTransformersId(`transformers:${id.replace(/^transformers:/, '')}${opts.fp32 ? '@fp32' : ''}`);
    const dir = opts.modelsDir ? resolveFromCwd(opts.modelsDir) : modelsDirFromEnv();
    console.log(`fetching ${ref.modelId} (${ref.precision}) into ${dir}`);
    const result = await fetchModel({ ref, modelsDir: dir, log: (line) => console.log(line) });
    console.log(
      `ready: ${result.dir}\nbuild with: npm run build-index -- --embedder transformers:${ref.modelId}${ref.precision === 'fp32' ? '@fp32' : ''}`,
    );
  });

program.parseAsync().catch((err: Error) => {
  console.error(`fetch-model: ${err.message}`);
  process.exit(1);
});
