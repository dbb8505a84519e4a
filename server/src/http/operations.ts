import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '#shared';
import { ERROR_CODES } from '#shared';
import { AppError } from '../errors';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import type { StorageHealth } from '../ops/storage-health';
import type { Storage } from '../storage/types';
import { bearerToken, sendJson } from './app';
import type { ClientAddresses } from './client-address';

/** How long `/healthz` waits for its probe write before calling the database unwritable. */
export const HEALTH_PROBE_TIMEOUT_MS = 1_000;

export interface OperationsContext {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  storageHealth: StorageHealth;
  addresses: ClientAddresses;
  /** Bearer token for `/metrics` from other machines; null: loopback only. */
  metricsToken: string | null;
}

/**
 * `/healthz` and `/metrics`, what operators and load balancers watch (issue 20 item 5). Health
 * says ok, or which component fails, and nothing else: the engine, the uptime and the database's
 * error text would tell anyone about the deployment, so they go to the log. Metrics (call counts,
 * who is connected) answer loopback, where Prometheus or a sidecar usually scrapes, and elsewhere
 * only the bearer token the operator configured.
 */
export function operationRoutes(ctx: OperationsContext): FastifyPluginAsync {
  return async (app) => {
    // Healthy means able to take calls: every call is written, so the probe writes too, and the
    // real writes of the last minute count as much as the probe (a full disk may still take it).
    app.get('/healthz', async (_req, reply) => {
      const failing: string[] = [];
      try {
        await ctx.storage.health.probeWrite(ctx.clock.now(), HEALTH_PROBE_TIMEOUT_MS);
      } catch (err) {
        // A storage failure was noted on its way out (StorageHealth); a probe that timed out was not.
        if (!(err instanceof AppError)) ctx.storageHealth.failed('the database does not take writes', err);
      }
      const storage = ctx.storageHealth.state();
      if (!storage.ok) failing.push('storage');
      if (failing.length === 0) return sendJson(reply, 200, { ok: true });
      ctx.logger.warn({ failing, storage }, 'health check failed');
      return sendJson(reply, 503, { ok: false, failing });
    });

    app.get('/metrics', async (req, reply) => {
      if (!ctx.addresses.isLoopback(req.raw) && !tokenMatches(bearerToken(req), ctx.metricsToken)) {
        throw new AppError(
          ERROR_CODES.UNAUTHORIZED,
          ctx.metricsToken === null
            ? 'metrics are answered on this machine only; to scrape from elsewhere set SWITCHBOARD_METRICS_TOKEN (or --metrics-token-file) and send Authorization: Bearer <token>'
            : 'send Authorization: Bearer <the metrics token>',
        );
      }
      return reply
        .header('content-type', ctx.metrics.registry.contentType)
        .header('cache-control', 'no-store')
        .send(await ctx.metrics.registry.metrics());
    });
  };
}

function tokenMatches(given: string | null, expected: string | null): boolean {
  if (given === null || expected === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
