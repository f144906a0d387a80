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

/**
 * Adds a field as an own property. Assignment would not do: `out["__proto__"] = v` sets the
 * prototype instead, so a document's field of that name would vanish.
 */
export function setMetadata(out: Metadata, key: string, value: MetadataValue): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

export function scalarMetadata(fields: Record<string, unknown>): Metadata {
  const out: Metadata = {};
  for (const [k, v] of Object.entries(fields)) {
    const value = metadataValue(v);
    if (value !== undefined) setMetadata(out, k, value);
  }
  return out;
}
