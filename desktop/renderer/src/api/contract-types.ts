/**
 * Checked by `npm run typecheck` (tsconfig.web.json), never run or bundled: the console's HTTP
 * calls are typed by the contract (shared/src/http-routes.ts). Each `@ts-expect-error` fails the
 * typecheck if the line below it ever compiles.
 */
import type { ConsoleApi } from './context';

export async function consoleCalls(api: ConsoleApi) {
  const saved = await api.http('PUT /api/directory', { body: { entries: [], baseVersion: 3 } });
  if (saved.ok) saved.data.version satisfies number;
  // @ts-expect-error a save answers its version only
  if (saved.ok) saved.data.entries;
  // @ts-expect-error the save says which version it was based on
  await api.http('PUT /api/directory', { body: { entries: [] } });
  // @ts-expect-error the history export's dates are epoch milliseconds
  await api.http('GET /api/history.csv', { query: { from: '2025-11-03' } });
  const audit = await api.http('GET /api/audit.csv', { query: {} });
  // @ts-expect-error the audit export never answers CONFLICT
  if (!audit.ok && audit.error.code === 'CONFLICT') return;
}
