/** One answer to "which store holds this index": folders, S3 and PostgreSQL, and near misses refused. */
import { expect, it } from 'vitest';
import { parseLocation, storeOf } from '../../src/index/location.js';

it('names the store from how the location is written', () => {
  expect(parseLocation('s3://my-bucket/indexes/prod')).toEqual({ store: 's3', s3: { bucket: 'my-bucket', prefix: 'indexes/prod' } });
  const pg = parseLocation('postgres://reader@db.internal:5432/search?collection=docs');
  expect(pg.store).toBe('postgres');
  expect(pg.store === 'postgres' && pg.postgres.collection).toBe('docs');
  for (const folder of ['index', './my-index', '/srv/indexes/a', 'C:\\indexes\\a', 'D:/indexes', 'indexes/2026-12-05'])
    expect(parseLocation(folder)).toEqual({ store: 'folder', path: folder });
});

it('refuses a location spelt almost right instead of writing a folder of that name, and hides a password', () => {
  for (const miss of ['S3://bucket/prefix', 'POSTGRES://u@h/db', 'pg://u@h/db', 'gs://bucket', 'http://example.com/index'])
    expect(() => storeOf(miss)).toThrow(/looks like a location but is none this product reads or writes/);
  expect(() => storeOf('PostgreSQL://user:hunter2@host/db')).toThrow(/^(?!.*hunter2)/s);
});
