import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';

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
): (values: Record<N, unknown>) => Promise<QueryResult<R>> {
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
  return async (values) => {
    plan ??= compile();
    return db.executeQuery<R>(
      CompiledQuery.raw(
        plan.sql,
        plan.order.map((n) => values[n]),
      ) as CompiledQuery<R>,
    );
  };
}
