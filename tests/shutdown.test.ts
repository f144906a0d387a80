/**
 * SIGTERM to the local server (`npm start`) under keep-alive connections, over raw sockets so
 * every state is set up exactly: the idle connection is closed at once, the request in flight is
 * answered and its connection closed, a request that arrives during the stop gets 503, a client
 * holding a half-sent request is cut at the deadline, and the process exits cleanly.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { buildArticleIndex } from './helpers/article-index.js';
import { freePort } from '../scripts/lib/free-port.js';
import { PROJECT_ROOT } from '../src/paths.js';

interface Conn {
  socket: net.Socket;
  received: () => string;
  closed: Promise<void>;
}

async function connect(port: number): Promise<Conn> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => data, closed };
}

/** Waits (polling) until `check` holds; vitest's waitFor, which fails the test with a timeout. */
const until = (check: () => boolean, timeout = 5000) => vi.waitFor(() => expect(check()).toBe(true), { timeout, interval: 10 });

it('SIGTERM under keep-alive: idle closed, in-flight answered, late request 503, half-sent request cut, clean exit', {
  timeout: 60_000,
}, async () => {
  const index = (await buildArticleIndex()).out;
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'serve.ts'), '--no-build', '--port', String(port)],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, INDEX_DIR: index, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await until(() => log.includes('serving on'), 30_000);

  const idle = await connect(port);
  idle.socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  await until(() => idle.received().includes('"status":"ok"'));

  const body = JSON.stringify({ query: 'Which country recognized the Taliban first?', top_k: 1 });
  const inFlight = await connect(port);
  inFlight.socket.write(
    `POST /search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
  );
  const late = await connect(port);
  late.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
  const stuck = await connect(port);
  stuck.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
  await new Promise((r) => setTimeout(r, 200)); // the server has read what was sent so far

  child.kill('SIGTERM');
  await idle.closed; // closed by the server without a further request
  await until(() => log.includes('SIGTERM: finishing requests in flight'));
  inFlight.socket.write(body.slice(10));
  await until(() => inFlight.received().includes('"rank":1'));
  expect(inFlight.received()).toMatch(/^HTTP\/1\.1 200/);
  expect(inFlight.received().toLowerCase()).toContain('connection: close');
  await inFlight.closed;

  late.socket.write('\r\n');
  await until(() => late.received().includes('shutting_down'));
  expect(late.received()).toMatch(/^HTTP\/1\.1 503/);

  await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
  await stuck.closed; // cut at the deadline
  expect(await exited).toBe(0);
});
