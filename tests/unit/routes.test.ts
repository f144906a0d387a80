/**
 * The route table (src/api/routes.ts) is the one list: the app's handlers, the OpenAPI paths,
 * the README's table and serverless.yml's events and CORS policy are checked against it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { CORS, GUARDED, ROUTES, methodsFor } from '../../src/api/routes.js';
import { createApp } from '../../src/api/app.js';
import { createLogger } from '../../src/api/logger.js';
import { loadEmbedder } from '../../src/embed/load-embedder.js';
import { Collections } from '../../src/search/collections.js';
import { PROJECT_ROOT } from '../../src/paths.js';

/** serverless.yml's own variables (${param:...}, ${opt:...}) are strings here: only the structure matters. */
const config = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as {
  provider: { httpApi: { cors: { allowedHeaders: string[]; allowedMethods: string[]; exposedResponseHeaders: string[]; maxAge: number } } };
  functions: { search: { events: { httpApi: string }[] } };
};

it('every route the app answers is an HTTP API event, and nothing else is', () => {
  const events = config.functions.search.events.map((e) => e.httpApi).sort();
  const routes = Object.entries(ROUTES)
    .flatMap(([p, methods]) => methods.map((m) => `${m} ${p}`))
    .sort();
  expect(events).toEqual(routes);
});

it('API Gateway answers preflight with the same CORS policy as the function', () => {
  const cors = config.provider.httpApi.cors;
  expect(cors.allowedHeaders).toEqual([...CORS.headers]);
  expect(cors.allowedMethods).toEqual([...CORS.methods]);
  expect(cors.exposedResponseHeaders).toEqual([...CORS.exposed]);
  expect(cors.maxAge).toBe(CORS.maxAge);
});

it('a concrete path finds its route template', () => {
  expect(methodsFor('/documents/guides/a.md')).toEqual(['GET']);
  expect(methodsFor('/search')).toEqual(['GET', 'POST']);
  expect(methodsFor('/nope')).toBeUndefined();
});

/** The app itself, over no indexes: only its registrations are read. */
function app() {
  return createApp({ collections: new Collections({ dirs: new Map(), loadEmbedder }), logger: createLogger({ level: 'silent' }) });
}

/** The OpenAPI document the app serves: its paths and, per method, whether it asks for a key. */
async function openApiDocument() {
  return (await (await app().request('/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
}

/** "GET /documents/{id+}" for each method of each route in ROUTES. */
const listed = Object.entries(ROUTES)
  .flatMap(([p, methods]) => methods.map((m) => `${m} ${p}`))
  .sort();

it('the app registers a handler for exactly the listed routes', () => {
  const registered = app()
    .routes.filter((r) => r.method !== 'ALL') // middleware (app.use) is registered as ALL
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)\{\.\+\}/g, '{$1+}')}`);
  expect([...new Set(registered)].sort()).toEqual(listed);
});

it('the OpenAPI document describes only listed routes, and every search and document route', async () => {
  const doc = await openApiDocument();
  const described = Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace('{id}', '{id+}')}`))
    .sort();
  expect(described.filter((r) => !listed.includes(r))).toEqual([]);
  for (const r of ['POST /search', 'GET /search', 'GET /documents/{id+}', 'GET /collections']) expect(described).toContain(r);
});

it("the README's route table lists exactly the routes", () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## The API$/m)[1]!.split(/^##+ /m)[0]!;
  const rows = [...section.matchAll(/^\| `(GET|POST) (\/[^`?\s]*)/gm)].map((m) => `${m[1]} ${m[2]!.replace('{id}', '{id+}')}`);
  expect(rows.sort()).toEqual(listed);
});

it('the guarded routes are routes, and the OpenAPI document asks a key of exactly them', async () => {
  for (const template of Object.keys(GUARDED)) expect(ROUTES).toHaveProperty([template]);
  const doc = await openApiDocument();
  const secured = new Set(
    Object.entries(doc.paths).flatMap(([p, ops]) => (Object.values(ops).some((op) => op.security) ? [p.replace('{id}', '{id+}')] : [])),
  );
  const documented = Object.keys(doc.paths).map((p) => p.replace('{id}', '{id+}'));
  expect([...secured].sort()).toEqual(
    Object.keys(GUARDED)
      .filter((t) => documented.includes(t))
      .sort(),
  );
});
