import type { z } from 'zod';

type Def = { type: string; [k: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
type Check = { _zod: { def: { check: string; maximum?: number; length?: number; pattern?: RegExp } } };

/** The most characters a string schema accepts, and whether a pattern keeps them to plain ASCII. */
function stringBounds(def: Def): { max: number; patterned: boolean } {
  let max = Number.POSITIVE_INFINITY;
  let patterned = def.pattern instanceof RegExp;
  for (const c of (def.checks as Check[] | undefined) ?? []) {
    const d = c._zod.def;
    if (d.check === 'max_length' && d.maximum !== undefined) max = Math.min(max, d.maximum);
    if (d.check === 'length_equals' && d.length !== undefined) max = Math.min(max, d.length);
    if (d.check === 'string_format' && d.pattern instanceof RegExp) patterned = true;
  }
  if (def.format === 'uuid') max = Math.min(max, 36);
  return { max, patterned };
}

/**
 * The largest JSON text a value the schema accepts can take, in UTF-8 bytes: what it costs on a
 * socket. A character of a free string may cost 6 (`\u0001`); one of a string held to a pattern
 * (ids, numbers, the SDP's printable ASCII) at most 2 (`\"`, `\\`, `\r`). Infinite where the
 * schema sets no bound.
 */
export function maxJsonBytes(schema: z.ZodType): number {
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      const { max, patterned } = stringBounds(def);
      return 2 + max * (patterned ? 2 : 6);
    }
    case 'number':
      return 24; // -1.7976931348623157e+308
    case 'boolean':
      return 5;
    case 'null':
      return 4;
    case 'literal':
      return Math.max(...(def.values as unknown[]).map((v) => JSON.stringify(v).length));
    case 'enum':
      return Math.max(
        ...Object.values(def.entries as Record<string, unknown>).map((v) => JSON.stringify(v).length),
      );
    case 'optional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
      return maxJsonBytes(def.innerType as z.ZodType);
    case 'nullable':
      return Math.max(4, maxJsonBytes(def.innerType as z.ZodType));
    case 'pipe':
      return maxJsonBytes(def.in as z.ZodType);
    case 'union':
      return Math.max(...(def.options as z.ZodType[]).map(maxJsonBytes));
    case 'array': {
      const max =
        ((def.checks as Check[] | undefined) ?? [])
          .map((c) => c._zod.def)
          .find((d) => d.check === 'max_length')?.maximum ?? Number.POSITIVE_INFINITY;
      return 2 + max * (maxJsonBytes(def.element as z.ZodType) + 1);
    }
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const fields = Object.entries(shape).map(([k, v]) => JSON.stringify(k).length + 1 + maxJsonBytes(v));
      return 2 + fields.reduce((a, b) => a + b, 0) + Math.max(0, fields.length - 1);
    }
    default:
      return Number.POSITIVE_INFINITY;
  }
}
