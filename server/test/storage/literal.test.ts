import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshStorage, freshStorage } from '../../../test-support/databases';
import { pgLiteral } from '../../src/storage/literal';

const STRINGS = [
  '',
  'plain',
  "it's",
  "''",
  'back\\slash',
  "both ' and \\ and \\' and '\\",
  '\\\\',
  'ünïcödé — 📞 and a "quoted" word',
  'line\nbreak\ttab',
  JSON.stringify({ detail: 'O\'Brien said "hi" \\ bye', nested: ['\\n', "'"] }),
];

describe('PostgreSQL literals', () => {
  let db: FreshStorage;
  let sql: pg.Pool;
  beforeAll(async () => {
    db = await freshStorage('postgres');
    sql = new pg.Pool({ connectionString: db.url, max: 1 });
  });
  afterAll(async () => {
    await sql?.end();
    await db?.dispose();
  });

  it("are written as pg's escapeLiteral writes them", () => {
    for (const s of STRINGS) expect(pgLiteral(s)).toBe(pg.escapeLiteral(s));
  });

  it('read back as the string they quote', async () => {
    const { rows } = await sql.query(
      `select ${STRINGS.map((s, i) => `${pgLiteral(s)} as s${i}`).join(', ')}`,
    );
    expect(STRINGS.map((_, i) => rows[0][`s${i}`])).toEqual(STRINGS);
  });
});
