import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import { pgValue } from './literal';

/**
 * A query on the call path whose SQL is compiled once, on first use, and then run with new values:
 * Kysely builds and compiles a query anew each time it runs, about a tenth of a server's CPU per
 * call setup (bench/README.md). `build` gets one placeholder per name and returns the query;
 * each placeholder must reach the SQL as a parameter (not inlined, not spread into a list), which
 * the first run checks, throwing if not. Values are bound by name, so a name may appear twice.
 */
export function precompiled<D, N extends string, R>(
  db: Kysely<D>,
  names: readonly N[],
  build: (p: Record<N, string>) => Compilable<R>,
): Precompiled<N, R> {
  let plan: { sql: string; order: N[] } | null = null;
  const compile = () => {
    const marks = Object.fromEntries(names.map((n) => [n, `\u0000${n}\u0000`])) as Record<N, string>;
    const byMark = new Map(names.map((n) => [marks[n], n]));
    const compiled = build(marks).compile();
    const order = compiled.parameters.map((p) => {
      const name = typeof p === 'string' ? byMark.get(p) : undefined;
      if (name === undefined) throw new Error(`precompiled: a parameter is not a placeholder: ${String(p)}`);
      return name;
    });
    const missing = names.filter((n) => !order.includes(n));
    if (missing.length > 0) throw new Error(`precompiled: not parameters of the SQL: ${missing.join(', ')}`);
    return { sql: compiled.sql, order };
  };
  const run = async (values: Record<N, unknown>) => {
    plan ??= compile();
    return db.executeQuery<R>(
      CompiledQuery.raw(
        plan.sql,
        plan.order.map((n) => values[n]),
      ) as CompiledQuery<R>,
    );
  };
  return Object.assign(run, {
    text(values: Record<N, unknown>, literal: (s: string) => string): string {
      plan ??= compile();
      const { sql, order } = plan;
      let written = 0;
      const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
        written++;
        const name = order[Number(n) - 1];
        if (name === undefined) throw new Error(`precompiled: $${n} is not a parameter of the SQL`);
        return pgValue(values[name], literal);
      });
      // SQLite's placeholders are `?`: its SQL would go out with none of the values.
      if (written !== order.length) throw new Error("precompiled: text() is for PostgreSQL's SQL only");
      return text;
    },
  });
}

/** A query compiled once (`precompiled`): run it with values, or write it out with them. */
export type Precompiled<N extends string, R> = ((values: Record<N, unknown>) => Promise<QueryResult<R>>) & {
  /**
   * PostgreSQL only (its `$n` placeholders): the statement with `values` written in as literals,
   * for a query of several statements, which the simple protocol takes without parameters.
   */
  text(values: Record<N, unknown>, literal: (s: string) => string): string;
};
