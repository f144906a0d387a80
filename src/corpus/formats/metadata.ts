import type { Metadata, MetadataScalar, MetadataValue } from '../document.js';

function isScalar(v: unknown): v is MetadataScalar {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';
}

/** Keeps the fields that can be filtered on: scalars and arrays of scalars (dates become ISO strings). */
export function metadataValue(v: unknown): MetadataValue | undefined {
  if (v instanceof Date) return v.toISOString();
  if (isScalar(v)) return v;
  if (Array.isArray(v) && v.every(isScalar)) return v;
  return undefined;
}

export function scalarMetadata(fields: Record<string, unknown>): Metadata {
  const out: Metadata = {};
  for (const [k, v] of Object.entries(fields)) {
    const value = metadataValue(v);
    if (value !== undefined) out[k] = value;
  }
  return out;
}
