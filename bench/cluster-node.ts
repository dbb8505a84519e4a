/**
 * One call-server node for bench/cluster.ts, in its own process: the CLI's own option parsing
 * (`parseConfig`, so `--db`, `--redis`, `--apns-*` mean what they mean to `npm run server`) and the
 * same wiring as server/src/main.ts's serve(), with one change: the per-socket request limit
 * (20/s, burst 60) is lifted. A benchmark agent places calls back to back on one socket; with the
 * limit it would measure the limiter, not the cluster (bench/ring.ts lifts it for the same reason).
 * Prints `Console: URL` once listening; SIGTERM or SIGINT closes it cleanly.
 */
import { systemClock } from '#shared';
import { createApnsPushGateway, createLogger, createServer, openStorage, parseConfig } from '../server/src';

const { config } = parseConfig(process.argv.slice(2), process.env);
const clock = systemClock();
const logger = createLogger(config.logLevel);
const storage = await openStorage(config.db, { logger, exclusive: config.redis === null });
await storage.migrate();
const push = config.apns
  ? createApnsPushGateway({
      keyPath: config.apns.keyPath,
      keyId: config.apns.keyId,
      teamId: config.apns.teamId,
      bundleId: config.apns.bundleId,
      forceEnvironment: config.apns.forceEnvironment,
      endpoint: config.apns.endpoint,
      clock,
      logger,
    })
  : null;
const server = await createServer({
  storage,
  push,
  clock,
  logger,
  cluster: config.redis
    ? { redisUrl: config.redis, databaseUrl: config.db, nodeTtlMs: config.nodeTtlMs }
    : undefined,
  config: {
    ringTimeoutMs: config.ringTimeoutMs,
    reconnectGraceMs: config.reconnectGraceMs,
    socketRate: { burst: 1e6, perSecond: 1e6 },
  },
});
const stopped = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
const url = await server.listen(config.port, config.host);
process.stdout.write(`Console: ${url}/\n`);
await stopped;
await server.close();
process.exit(0);
