/**
 * GET /search's query string, read by parseSearchParams: the same request as the JSON body of a
 * POST, whatever the order of its parameters; anything else is a 400 ApiError that names the
 * problem, never another exception, and no parameter name reaches an object's prototype.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSearchBody, parseSearchParams } from '../../src/api/validate.js';
import { ApiError } from '../../src/api/errors.js';
import { LIMITS } from '../../src/api/limits.js';

const question = fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim().length > 0);

function outcome(run: () => unknown): { ok: unknown } | { status: number; message: string } {
  try {
    return { ok: run() };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { status: err.status, message: err.message };
  }
}

describe('parseSearchParams', () => {
  it('property: a valid query string is the same request as its JSON body', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.record(
          {
            q: question,
            top_k: fc.integer({ min: 1, max: LIMITS.maxTopK }),
            mode: fc.constantFrom('hybrid', 'dense', 'lexical'),
            min_relevance: fc.double({ min: 0, max: 1, noNaN: true }),
            doc_id: fc.string({ minLength: 1, maxLength: 20 }),
          },
          { requiredKeys: ['q'] },
        ),
        (request) => {
          const params = new URLSearchParams(Object.entries(request).map(([k, v]) => [k, String(v)]));
          const { q, doc_id, ...rest } = request;
          const body = { query: q, ...rest, ...(doc_id !== undefined ? { filter: { doc_id } } : {}) };
          const got = outcome(() => parseSearchParams(params));
          expect(got).toEqual(outcome(() => parseSearchBody(body)));
          if ('ok' in got) accepted++;
        },
      ),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(400); // the comparison is mostly of requests, not of errors
  });

  it('property: any query string is a request or a 400, and leaves Object.prototype alone', () => {
    const name = fc.oneof(
      fc.constantFrom('q', 'top_k', 'mode', 'min_score', 'min_relevance', 'doc_id', 'filter', 'collection', 'query'),
      fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', 'prototype'),
      fc.string({ maxLength: 12 }),
    );
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{"__proto__":{"x":1}}', '{}', '[]', 'NaN', '-1', '1e400', '51'));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 8 }), (pairs) => {
        const result = outcome(() => parseSearchParams(new URLSearchParams(pairs)));
        if ('status' in result) {
          expect(result.status).toBe(400);
          expect(result.message.length).toBeGreaterThan(0);
        }
        expect(({} as Record<string, unknown>).x).toBeUndefined();
        expect(Object.getPrototypeOf({})).toBe(Object.prototype);
      }),
      { numRuns: 2000 },
    );
  });

  it('says what is wrong: no q, the question in query, a parameter given twice, an unknown one', () => {
    const message = (qs: string) => {
      const r = outcome(() => parseSearchParams(new URLSearchParams(qs)));
      return 'message' in r ? r.message : '';
    };
    expect(message('top_k=3')).toMatch(/^q: missing/);
    expect(message('query=tides')).toMatch(/the question goes in q/);
    expect(message('q=a&q=b')).toMatch(/q/);
    expect(message('q=tides&topk=3')).toMatch(/unknown query parameter/);
    expect(message('q=tides&doc_id=a&filter={"doc_id":"b"}')).toMatch(/given twice/);
  });
});
