/**
 * Cold start as Lambda sees it: a fresh node process imports the bundled handler (which loads the
 * model and index during "init"), then answers one question. Measured from process spawn to the
 * answer; the handler's own "index loaded" log line gives the breakdown.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { summarize, type Summary } from './stats.js';

export interface ColdStart {
  totalMs: Summary;
  importAndLoadMs: Summary;
  firstAnswerMs: Summary;
  loadMs: { index: number; embedder: number; warm_up: number; total: number };
  rssMb: number;
}

const CHILD = `
const t0 = performance.now();
const { handler } = await import(process.env.BENCH_BUNDLE);
const t1 = performance.now();
const res = await handler({ version: '2.0', rawPath: '/search', rawQueryString: 'q=' + encodeURIComponent(process.env.BENCH_QUESTION) + '&top_k=5',
  headers: { host: 'bench' }, requestContext: { http: { method: 'GET', path: '/search' }, domainName: 'bench' }, isBase64Encoded: false }, { awsRequestId: 'cold-start' });
const t2 = performance.now();
if (res.statusCode !== 200) throw new Error('cold start answered ' + res.statusCode + ': ' + res.body);
console.log('BENCH ' + JSON.stringify({ processStartToImport: t0, importAndLoad: t1 - t0, firstAnswer: t2 - t1, rss: process.memoryUsage().rss }));
`;

function once(
  bundle: string,
  indexDir: string,
  question: string,
): Promise<{ total: number; child: Record<string, number>; load: ColdStart['loadMs'] }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      env: { ...process.env, BENCH_BUNDLE: pathToFileURL(bundle).href, BENCH_QUESTION: question, INDEX_DIR: indexDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let answered: number | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (answered === undefined && out.includes('BENCH ')) answered = performance.now() - started;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH '));
      const loaded = out.split('\n').find((l) => l.includes('"index loaded"'));
      if (code !== 0 || !line || !loaded || answered === undefined)
        return reject(new Error(`cold-start child failed (${code}): ${err || out}`));
      resolve({
        total: answered,
        child: JSON.parse(line.slice(6)) as Record<string, number>,
        load: (JSON.parse(loaded) as { load_ms: ColdStart['loadMs'] }).load_ms,
      });
    });
  });
}

export async function measureColdStart(bundle: string, indexDir: string, question: string, runs = 5): Promise<ColdStart> {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(bundle, indexDir, question));
  const median = results.sort((a, b) => a.total - b.total)[Math.floor(results.length / 2)]!;
  return {
    totalMs: summarize(results.map((r) => r.total)),
    importAndLoadMs: summarize(results.map((r) => r.child.importAndLoad!)),
    firstAnswerMs: summarize(results.map((r) => r.child.firstAnswer!)),
    loadMs: median.load,
    rssMb: median.child.rss! / 1048576,
  };
}
