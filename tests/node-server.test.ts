/**
 * What only the real node server sees: bodies cut off by the client or sent in broken chunked
 * encoding are the client's fault (400, logged as such, never a 500 with a stack), and GET with a
 * body is refused as on Lambda.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder } from './helpers/article-index.js';
import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
import { startServer, type RunningServer } from '../src/adapters/node-server.js';

let server: RunningServer;
let port: number;
const logLines: { level: string; msg: string; status?: number }[] = [];

beforeAll(async () => {
  const index = (await buildArticleIndex()).out;
  const embedder = await sharedEmbedder();
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as (typeof logLines)[number]);
      done();
    },
  });
  const service = createService({
    config: { indexDir: index, corsOrigins: ['*'] },
    logger: createLogger({ level: 'info', destination }),
    loadEmbedder: async () => embedder,
  });
  await service.ready;
  server = await startServer(service, 0);
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server?.close(1000);
});

/** Sends raw bytes, then optionally hangs up; resolves with whatever came back. */
function raw(bytes: string, hangUp = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      if (hangUp) setTimeout(() => socket.destroy(), 100);
    });
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('error', () => {});
    socket.on('close', () => resolve(data));
    setTimeout(() => socket.end(), 1500);
  });
}

const head = (extra: string) => `POST /search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}\r\n`;

it('a client that hangs up mid-body, or sends broken chunked encoding, is not a server error', async () => {
  await raw(`${head('Content-Length: 100\r\n')}{"query": "Tal`, true);
  const broken = await raw(`${head('Transfer-Encoding: chunked\r\n')}5\r\n{"que\r\nZZ\r\nnot a chunk\r\n0\r\n\r\n`);
  expect(broken).toMatch(/^HTTP\/1\.1 400/);
  await new Promise((r) => setTimeout(r, 300));
  expect(logLines.filter((l) => l.level === 'error')).toEqual([]);
  expect(logLines.filter((l) => l.msg === 'request').every((l) => (l.status ?? 0) < 500)).toBe(true);
});

it('GET /search with a body is a 400, as on Lambda', async () => {
  // fetch will not send a body with GET: a raw socket will.
  const answer = await raw('GET /search?q=Taliban HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
  expect(answer).toMatch(/^HTTP\/1\.1 400/);
  expect(answer).toContain('cannot have a body');
});
