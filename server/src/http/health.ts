import type { FastifyPluginAsync } from 'fastify';
import { HEALTH_CSV_COLUMNS } from '#shared';
import { healthCsvRows } from '../ring-health/csv';
import type { PhoneHealthService } from '../ring-health/health';
import type { Storage } from '../storage/types';
import { csvField } from './audit';
import { route } from './routes';

/** `GET /api/health.csv?state=`: every phone's mark, fix and record, worst first (issue 25 item 5). */
export function healthRoutes(o: { storage: Storage; health: PhoneHealthService }): FastifyPluginAsync {
  return async (app) => {
    route(app, 'GET /api/health.csv', async (req) => {
      const rows = await healthCsvRows(o, req.query);
      return [HEALTH_CSV_COLUMNS, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
    });
  };
}
