import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { AUDIT_SUBJECTS, describeZodError, ERROR_CODES } from '#shared';
import { AppError } from '../errors';
import type { Storage } from '../storage/types';
import { AUDIT_CSV_COLUMNS, auditCsvRow } from '../team/audit';

const auditFilterSchema = z.object({ subject: z.enum(AUDIT_SUBJECTS).optional() });

/**
 * `GET /api/audit.csv?subject=`: the audit trail for admins (the check is access.ts's),
 * newest first, streamed a page at a time like the history export.
 */
export function auditRoutes(o: { storage: Storage }): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/audit.csv', async (req, reply) => {
      const query = new URL(req.url, 'http://localhost').searchParams;
      const parsed = auditFilterSchema.safeParse(Object.fromEntries(query));
      if (!parsed.success) throw new AppError(ERROR_CODES.BAD_REQUEST, describeZodError(parsed.error));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="switchboard-audit.csv"')
        .send(Readable.from(auditPages(o.storage, parsed.data.subject)));
    });
  };
}

async function* auditPages(storage: Storage, subject?: z.infer<typeof auditFilterSchema>['subject']) {
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
