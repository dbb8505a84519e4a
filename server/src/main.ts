import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { describeZodError, displayName, systemClock } from '#shared';
import { hashPassword, newSecret } from './auth';
import { type CliConfig, ConfigError, helpText, parseConfig } from './config';
import { createLogger, type Logger } from './logger';
import { ApnsConfigError, createApnsPushGateway, type PushGateway } from './push';
import { DatabaseInUseError, openStorage } from './storage';
import { StorageConflictError } from './storage/types';

/**
 * The call server's entry (`npm run server` loads it through scripts/server.ts, which sends
 * `--demo` to tools/demo instead): the only server file that reads argv, listens and handles signals.
 */
async function main(args: string[]): Promise<number> {
  // `--password` belongs to `agents add` only; take it out before the server's own options.
  const at = args.indexOf('--password');
  const password = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && password === undefined) {
    process.stderr.write('switchboard: --password needs a value\n');
    return 2;
  }
  const argv = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
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
  if (positionals[0] === 'agents') return agentsCommand(config, positionals.slice(1), password);
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
    cluster: config.redis ? { redisUrl: config.redis, databaseUrl: config.db } : undefined,
    config: {
      ringTimeoutMs: config.ringTimeoutMs,
      reconnectGraceMs: config.reconnectGraceMs,
      sessionTtlMs: config.sessionTtlMs,
      publicUrl: config.publicUrl,
      webRoot: config.webRoot,
      ice: config.ice,
    },
  });
  const url = await server.listen(config.port, config.host);
  process.stdout.write(`Switchboard server listening on ${url} (database: ${storage.engine})\n`);
  process.stdout.write(`Console: ${url}/\n`);
  await untilSignal(logger);
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

async function agentsCommand(config: CliConfig, args: string[], password?: string): Promise<number> {
  const [verb, name] = args;
  const storage = await openStorage(config.db);
  try {
    await storage.migrate();
    if (verb === 'list') {
      const agents = await storage.agents.list();
      if (agents.length === 0)
        process.stdout.write('No agents yet. Add one with: npm run server -- agents add NAME\n');
      for (const a of agents) process.stdout.write(`${a.name}\t${new Date(a.createdAt).toISOString()}\n`);
      return 0;
    }
    if ((verb === 'add' || verb === 'remove') && !name) {
      process.stderr.write(`switchboard: agents ${verb} needs a NAME\n`);
      return 2;
    }
    if (verb === 'add') {
      const valid = displayName(80).safeParse(name);
      if (!valid.success) {
        process.stderr.write(`switchboard: agent name: ${describeZodError(valid.error)}\n`);
        return 2;
      }
      const chosen = await choosePassword(password);
      try {
        await storage.agents.create({
          id: randomUUID(),
          name: name!,
          passwordHash: await hashPassword(chosen.value),
          createdAt: Date.now(),
        });
      } catch (e) {
        if (!(e instanceof StorageConflictError)) throw e;
        process.stderr.write(`switchboard: an agent named "${name}" already exists\n`);
        return 1;
      }
      process.stdout.write(`Agent "${name}" added.\n`);
      if (chosen.generated) process.stdout.write(`Password: ${chosen.value}\n(shown once; keep it safe)\n`);
      return 0;
    }
    if (verb === 'remove') {
      const agent = await storage.agents.findByName(name!);
      if (!agent || !(await storage.agents.remove(agent.id))) {
        process.stderr.write(`switchboard: no agent named "${name}"\n`);
        return 1;
      }
      process.stdout.write(`Agent "${name}" removed; their open consoles close within seconds.\n`);
      return 0;
    }
    process.stderr.write('switchboard: use agents add NAME | agents list | agents remove NAME\n');
    return 2;
  } finally {
    await storage.close();
  }
}

/** `--password` or SWITCHBOARD_AGENT_PASSWORD; else ask on a terminal; else generate one. */
async function choosePassword(flag?: string): Promise<{ value: string; generated: boolean }> {
  const given = flag ?? process.env.SWITCHBOARD_AGENT_PASSWORD;
  if (given) return { value: given, generated: false };
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await rl.question('Password (empty to generate one): ')).trim();
    rl.close();
    if (answer) return { value: answer, generated: false };
  }
  return { value: newSecret().slice(0, 20), generated: true };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`switchboard: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ExitError ? err.code : 1);
  },
);
