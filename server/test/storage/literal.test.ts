import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshStorage, freshStorage } from '../../../test-support/databases';
import { pgLiteral, pgValue } from '../../src/storage/literal';

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

  it('write other values as they are, and refuse what PostgreSQL has no literal for', () => {
    expect(
      [null, undefined, 0, -12, 1.5, 9007199254740993n, true, false, "it's"].map((v) => pgValue(v)),
    ).toEqual(['null', 'null', '0', '-12', '1.5', '9007199254740993', 'true', 'false', "'it''s'"]);
    expect(() => pgValue(Number.NaN)).toThrow(/not a number PostgreSQL takes/);
    expect(() => pgValue({})).toThrow(/no PostgreSQL literal for a object/);
  });

  it('read back as the string they quote', async () => {
    const { rows } = await sql.query(
      `select ${STRINGS.map((s, i) => `${pgLiteral(s)} as s${i}`).join(', ')}`,
    );
    expect(STRINGS.map((_, i) => rows[0][`s${i}`])).toEqual(STRINGS);
  });
});
