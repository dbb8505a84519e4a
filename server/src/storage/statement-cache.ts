import type BetterSqlite3 from 'better-sqlite3';

/** Distinct SQL texts kept prepared; the app has a few dozen, so this only bounds odd growth. */
export const STATEMENT_CACHE_SIZE = 500;

/** The part of a better-sqlite3 Database that Kysely's SqliteDialect uses. */
export interface PreparingDatabase {
  prepare(sql: string): BetterSqlite3.Statement;
  close(): void;
}

/**
 * Kysely's SqliteDialect prepares every query it runs, and compiling the SQL again each time was a
 * visible share of a call's time to ring. This keeps one prepared statement per SQL text (least
 * recently used dropped first). Reuse is safe: Kysely runs each one to completion with all()/run()
 * under its single-connection mutex, and SQLite re-prepares a statement by itself when a migration
 * changes the schema under it. A statement still busy (an iterate() left open by a stream) is not
 * shared: that query gets a fresh one.
 */
export function cachingStatements(
  database: PreparingDatabase,
  max = STATEMENT_CACHE_SIZE,
): PreparingDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (cached) return statement;
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
    close() {
      cache.clear();
      database.close();
    },
  };
}
