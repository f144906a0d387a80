/** Request limits, documented in the README and the OpenAPI document. */
export const LIMITS = {
  /** Largest accepted request body. */
  maxBodyBytes: 16 * 1024,
  /** Longest question, in characters (the embedders read ~128-512 tokens anyway). */
  maxQueryChars: 1000,
  maxTopK: 50,
  defaultTopK: 5,
  maxFilterFields: 16,
  maxFilterValues: 100,
  /** Context packing budget bounds (characters). */
  maxContextChars: 50_000,
} as const;
