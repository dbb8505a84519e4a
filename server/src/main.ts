import { systemClock } from '#shared';
import { type CliConfig, ConfigError, helpText, parseConfig } from './config';
import { createLogger, type Logger } from './ops/logger';
import { ApnsConfigError, createApnsPushGateway, type PushGateway } from './push';
import { DatabaseInUseError, openStorage } from './storage';
import { agentsCommand, takeAgentFlags } from './team/agents-cli';

/**
 * The call server's entry (`npm run server` loads it through scripts/server.ts, which sends
 * `--demo` to tools/demo instead): the only server file that reads argv, listens and handles signals.
 */
async function main(args: string[]): Promise<number> {
  // `--password` and `--role` belong to `agents` commands only; take them out before the server's own options.
  const taken = takeAgentFlags(args);
  if ('error' in taken) {
    process.stderr.write(`switchboard: ${taken.error}\n`);
    return 2;
  }
  const { argv, flags: agentFlags } = taken;
  let parsed: ReturnType<typeof parseConfig>;
  try {
    parsed = parseConfig(argv, process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`switchboard: ${e.message}\nRun with --help to see every option.\n`);
    return 2;
  }
  const { config, flags, positionals } = parsed;
  if (flags.help) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  const logger = createLogger(config.logLevel);
  if (positionals[0] === 'agents') return agentsCommand(config, positionals.slice(1), agentFlags);
  if (positionals.length > 0) {
    process.stderr.write(`switchboard: unknown command "${positionals.join(' ')}"; see --help\n`);
    return 2;
  }
  return serve(config, logger);
}

function untilSignal(logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function serve(config: CliConfig, logger: Logger): Promise<number> {
  const clock = systemClock();
  // The nodes of a cluster share the database by design: only a lone server holds it.
  const exclusive = config.redis === null;
  const storage = await openStorage(config.db, { logger, exclusive }).catch((error: unknown) => {
    // Two servers on one database would end each other's calls: the operator picks one.
    if (error instanceof DatabaseInUseError) throw new ExitError(2, error.message);
    throw error;
  });
  await storage.migrate();
  let push: PushGateway | null = null;
  if (config.apns) {
    push = createGatewayOrExplain({
      keyPath: config.apns.keyPath,
      keyId: config.apns.keyId,
      teamId: config.apns.teamId,
      bundleId: config.apns.bundleId,
      forceEnvironment: config.apns.forceEnvironment,
      endpoint: config.apns.endpoint,
      clock,
      logger,
    });
  } else {
    logger.warn('APNs is not configured: phones ring only while their app is connected (see --help)');
  }
  // Loaded only to serve: `agents …` commands need the storage alone, and start faster without it.
  const { createServer } = await import('./app');
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
      afterCallWorkMs: config.afterCallWorkMs,
      awayGraceMs: config.awayGraceMs,
      notRungAfterMs: config.notRungAfterMs,
      healthRetentionMs: config.healthRetentionMs,
      ringRecords: config.ringRecords,
      socketRate: config.socketRate,
      signInAddressLimit: config.signInAddressLimit,
      sessionTtlMs: config.sessionTtlMs,
      publicUrl: config.publicUrl,
      webRoot: config.webRoot,
      consoleOrigins: config.consoleOrigins,
      trustProxy: config.trustProxy,
      metricsToken: config.metricsToken,
      tls: config.tls ?? undefined,
      ice: config.ice,
    },
  });
  // Listen for signals before saying we are up: stdout to a pipe is synchronous on Linux, so a
  // supervisor can read "Console:" and send SIGTERM before the next line would have run.
  const stopped = untilSignal(logger);
  const url = await server.listen(config.port, config.host);
  process.stdout.write(`Switchboard server listening on ${url} (database: ${storage.engine})\n`);
  process.stdout.write(`Console: ${url}/\n`);
  await stopped;
  await server.close();
  return 0;
}

/** A bad key or id is the operator's to fix: say what is wrong and stop, without a stack trace. */
function createGatewayOrExplain(options: Parameters<typeof createApnsPushGateway>[0]): PushGateway {
  try {
    return createApnsPushGateway(options);
  } catch (e) {
    if (e instanceof ApnsConfigError) throw new ExitError(2, e.message);
    throw e;
  }
}

class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`switchboard: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ExitError ? err.code : 1);
  },
);
