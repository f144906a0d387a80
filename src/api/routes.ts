/**
 * The routes and the CORS policy, listed once. The app answers them; serverless.yml must declare
 * the same events and CORS settings for API Gateway, which tests/unit/routes.test.ts checks.
 */
import type { KeyRoute } from './keys.js';

/** Path (API Gateway's template syntax) and the methods it answers. */
export const ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/search': ['GET', 'POST'],
  '/documents/{id+}': ['GET'],
  '/collections': ['GET'],
  '/mcp': ['POST'],
  '/health': ['GET'],
  '/openapi.json': ['GET'],
  '/tool.json': ['GET'],
  '/': ['GET'],
};

/**
 * The routes that read the documents: when keys are configured, each needs one, allowed the scope
 * named here (`null`: any valid key). Every other route (the page, health, the API description)
 * stays public. The app's guards and the OpenAPI security are both made from this.
 */
export const GUARDED: Readonly<Record<string, KeyRoute | null>> = {
  '/search': 'search',
  '/documents/{id+}': 'documents',
  '/mcp': 'mcp',
  '/collections': null,
};

/** A route template as Hono's middleware paths write it (`{id+}` is any rest of the path). */
export function middlewarePath(template: string): string {
  return template.replace(/\{[^}]+\+\}$/, '*');
}

/** The OpenAPI `security` of a route: a key (or none, when keys are not configured) for a guarded one; nothing for a public one. */
export function securityOf(template: string): { security?: Record<string, string[]>[] } {
  return template in GUARDED ? { security: [{ ApiKey: [] }, {}] } : {};
}

export const CORS = {
  methods: ['GET', 'POST', 'OPTIONS'],
  headers: ['Content-Type', 'Authorization', 'X-Api-Key', 'X-Request-Id', 'Mcp-Protocol-Version', 'Mcp-Session-Id'],
  exposed: ['X-Request-Id', 'Mcp-Session-Id'],
  maxAge: 600,
} as const;

/** The methods a concrete path answers (for 405 with Allow), matching templates. */
export function methodsFor(path: string): readonly string[] | undefined {
  for (const [template, methods] of Object.entries(ROUTES)) {
    const pattern = new RegExp(
      `^${template
        .replace(/[.]/g, '\\.')
        .replace(/\{[^}]+\+\}/g, '.+')
        .replace(/\{[^}]+\}/g, '[^/]+')}$`,
    );
    if (pattern.test(path)) return methods;
  }
  return undefined;
}

/** "POST /search, GET /search, ..." for the 404 message. */
export function routeList(): string {
  return Object.entries(ROUTES)
    .flatMap(([path, methods]) => methods.map((m) => `${m} ${path.replace('{id+}', '{id}')}`))
    .join(', ');
}
