import type { FastifyPluginAsync } from 'fastify';
import type { HttpQuery } from '#shared';
import type { Storage } from '../storage/types';
import { AUDIT_CSV_COLUMNS, auditCsvRow } from '../team/audit';
import { route } from './routes';

/**
 * `GET /api/audit.csv?subject=`: the audit trail for admins (the check is access.ts's),
 * newest first, streamed a page at a time like the history export.
 */
export function auditRoutes(o: { storage: Storage }): FastifyPluginAsync {
  return async (app) => {
    route(app, 'GET /api/audit.csv', async (req) => auditPages(o.storage, req.query.subject));
  };
}

async function* auditPages(storage: Storage, subject: HttpQuery<'GET /api/audit.csv'>['subject']) {
  yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
  let cursor: string | undefined;
  do {
    const page = await storage.audit.query({ subject }, { cursor, limit: 200 });
    if (page.entries.length > 0) {
      yield page.entries.map((row) => `${auditCsvRow(row).map(csvField).join(',')}\r\n`).join('');
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * RFC 4180 quoting, and names that a spreadsheet would run as a formula (=, +, -, @ first, as an
 * agent or staff name may be) get a leading apostrophe, which spreadsheets show as text.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
