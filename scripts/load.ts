/**
 * npm run load: drives the local server with autocannon on loopback. Phase 1: 50 concurrent
 * connections for 30 s, asking varied questions; zero errors required. Phase 2 (soak): 10,000
 * more requests, with the server's RSS read before and after. The server runs as its own process
 * (`scripts/serve.ts`) so its memory is measured alone. Exits 1 on any error or non-2xx answer.
 *   --connections <n> --duration <s> --soak <requests> --url <running server, skips the soak RSS>
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { Command } from 'commander';
import { PROJECT_ROOT } from '../src/paths.js';
import { freePort } from './lib/free-port.js';

const QUESTIONS = [
  'Which country was the first to formally recognize the Taliban government?',
  'Who is the new Afghan ambassador to Russia?',
  'What did the Russian Supreme Court do in April?',
  'What restrictions has the Taliban imposed on women?',
  'Which countries recognized the previous Taliban regime?',
  'In which sectors does Russia see prospects for cooperation?',
  'What did Putin call the Taliban in July 2024?',
  'Who is the Afghan foreign minister?',
  'Which flag was raised at the embassy in Moscow?',
  'When did the Taliban take over Kabul?',
];

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function fire(url: string, options: { connections: number; duration?: number; amount?: number }): Promise<autocannon.Result> {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/search`,
        connections: options.connections,
        ...(options.duration ? { duration: options.duration } : {}),
        ...(options.amount ? { amount: options.amount } : {}),
        timeout: 30,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: QUESTIONS[n++ % QUESTIONS.length], top_k: 5 }) }),
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

function summary(name: string, r: autocannon.Result): string {
  const l = r.latency;
  return (
    `${name}: ${r.requests.total} requests in ${r.duration.toFixed(1)} s (${r.requests.average.toFixed(1)} req/s), ` +
    `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}; latency ms p50 ${l.p50} p90 ${l.p90} p99 ${l.p99} max ${l.max}`
  );
}

const program = new Command('load')
  .option('--connections <n>', 'concurrent connections', (v) => Number(v), 50)
  .option('--duration <s>', 'seconds of load', (v) => Number(v), 30)
  .option('--soak <n>', 'requests in the soak phase', (v) => Number(v), 10_000)
  .option('--url <url>', 'a running server to load instead of starting one')
  .action(async (opts) => {
    let url = opts.url as string | undefined;
    let server: ReturnType<typeof spawn> | undefined;
    if (!url) {
      const port = await freePort();
      server = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'serve.ts'), '--port', String(port)], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let log = '';
      server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (!log.includes('serving on')) return;
          clearInterval(t);
          resolve();
        }, 100);
        server!.on('exit', (code) => reject(new Error(`server exited (${code}): ${log}`)));
      });
      url = `http://127.0.0.1:${port}`;
    }
    try {
      await fire(url, { connections: 4, amount: 200 }); // warm up
      const load = await fire(url, { connections: opts.connections, duration: opts.duration });
      console.log(summary(`load, ${opts.connections} connections`, load));
      const before = server ? rssMb(server.pid!) : NaN;
      const soak = await fire(url, { connections: 8, amount: opts.soak });
      const after = server ? rssMb(server.pid!) : NaN;
      console.log(summary('soak', soak));
      if (server)
        console.log(
          `server RSS: ${before.toFixed(1)} MB before the soak, ${after.toFixed(1)} MB after ${opts.soak} requests (${(after - before >= 0 ? '+' : '') + (after - before).toFixed(1)} MB)`,
        );
      const failures = load.errors + load.timeouts + load.non2xx + soak.errors + soak.timeouts + soak.non2xx;
      console.log(
        JSON.stringify({
          connections: opts.connections,
          duration_s: opts.duration,
          load: {
            requests: load.requests.total,
            rps: load.requests.average,
            p50: load.latency.p50,
            p90: load.latency.p90,
            p99: load.latency.p99,
            errors: load.errors,
            timeouts: load.timeouts,
            non2xx: load.non2xx,
          },
          soak: { requests: soak.requests.total, rss_mb_before: before, rss_mb_after: after, errors: soak.errors, non2xx: soak.non2xx },
        }),
      );
      process.exitCode = failures === 0 ? 0 : 1;
    } finally {
      server?.kill('SIGTERM');
    }
  });

program.parseAsync().catch((err: Error) => {
  console.error(`load: ${err.message}`);
  process.exit(1);
});
