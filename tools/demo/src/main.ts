import { systemClock } from '#shared';
import { ConfigError, createLogger, helpText, type Logger, parseConfig } from '../../../server/src';
import { demoBanner, startDemo } from './demo';

/** The line `--help` adds for demo mode (the launcher prints it with the server's own options). */
export const DEMO_HELP = [
  '  --demo                   the server with an APNs emulator, a demo agent and three virtual phones',
];

/**
 * `npm run server -- --demo`: takes the server's own options (host, port, data dir, ring timeout,
 * after-call work, away grace, log level), runs the demo until SIGINT or SIGTERM, and resolves with the exit code.
 */
export async function demoMain(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseConfig>;
  try {
    parsed = parseConfig(args, process.env, { demo: { type: 'boolean' } });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`switchboard: ${e.message}\nRun with --help to see every option.\n`);
    return 2;
  }
  const { config, flags, positionals } = parsed;
  if (flags.help) {
    process.stdout.write(`${helpText(DEMO_HELP)}\n`);
    return 0;
  }
  if (positionals.length > 0) {
    process.stderr.write(`switchboard: --demo takes no command (got "${positionals.join(' ')}")\n`);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  // Listen for signals before the banner: stdout to a pipe is synchronous on Linux, so whoever reads
  // the banner may send SIGTERM before the next line would have run.
  const stopped = untilSignal(logger);
  const running = await startDemo({
    host: config.host,
    port: config.port,
    dataDir: config.dataDir,
    ringTimeoutMs: config.ringTimeoutMs,
    availability: { afterCallWorkMs: config.afterCallWorkMs, awayGraceMs: config.awayGraceMs },
    health: {
      notRungAfterMs: config.notRungAfterMs,
      healthRetentionMs: config.healthRetentionMs,
      ringRecords: config.ringRecords,
    },
    ice: config.ice,
    clock: systemClock(),
    logger,
  });
  process.stdout.write(`${demoBanner(running, config.dataDir)}\n`);
  await stopped;
  await running.close();
  return 0;
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
