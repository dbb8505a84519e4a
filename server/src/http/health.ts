import type { FastifyPluginAsync } from 'fastify';
import { describeZodError, ERROR_CODES, HEALTH_CSV_COLUMNS, healthCsvQuerySchema } from '#shared';
import { AppError } from '../errors';
import { healthCsvRows } from '../ring-health/csv';
import type { PhoneHealthService } from '../ring-health/health';
import type { Storage } from '../storage/types';
import { csvField } from './audit';

/** `GET /api/health.csv?state=`: every phone's mark, fix and record, worst first (issue 25 item 5). */
export function healthRoutes(o: { storage: Storage; health: PhoneHealthService }): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/health.csv', async (req, reply) => {
      const query = new URL(req.url, 'http://localhost').searchParams;
      const parsed = healthCsvQuerySchema.safeParse(Object.fromEntries(query));
      if (!parsed.success) throw new AppError(ERROR_CODES.BAD_REQUEST, describeZodError(parsed.error));
      const rows = await healthCsvRows(o, parsed.data);
      const text = [HEALTH_CSV_COLUMNS, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="switchboard-phone-health.csv"')
        .send(text);
    });
  };
}
