/** serverless.yml declares exactly the routes and the CORS policy the app serves (src/api/routes.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { CORS, ROUTES, methodsFor } from '../../src/api/routes.js';
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
