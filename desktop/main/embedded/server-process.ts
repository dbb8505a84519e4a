import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type LoginSession, systemClock } from '#shared';
import {
  ApnsConfigError,
  createApnsPushGateway,
  createLogger,
  createServer,
  DatabaseInUseError,
  hashSecret,
  type Logger,
  openStorage,
  type PushGateway,
  type Storage,
  type SwitchboardServer,
} from '../../../server/src';
import type { ParentChannel } from './channel';
import { issueOwnerSession, type Owner, provisionOwner } from './owner';
import type { EmbeddedApns, EmbeddedConfig, ToServer } from './protocol';

/**
 * A week: no working day asks the owner to sign in again (one session per run of the app, reused
 * by every window and reload, ended when the app quits). Kept under 24.8 days, the longest delay a Node timer takes: the server's session watch
 * times each console's expiry with one, and a longer one fires at once.
 */
const OWNER_SESSION_TTL_MS = 7 * 24 * 3600_000;

interface Running {
  server: SwitchboardServer;
  storage: Storage;
  owner: Owner;
  config: EmbeddedConfig;
  /** The session this run gave its consoles: reused while it lasts, ended when the server stops. */
  ownerSession: LoginSession | null;
}

/**
 * The embedded call server's process: the real server (server/src, through its public index) on
 * the app's own SQLite database, driven by the main process over `channel`. `exit` is injected so
 * a test can run this in-process too; the entry passes `process.exit`.
 */
export function runEmbeddedServer(channel: ParentChannel, exit: (code: number) => void): void {
  let running: Running | null = null;
  let logger: Logger = createLogger('info');
  let queue: Promise<unknown> = Promise.resolve();
  // One message at a time, in order: a `stop` that arrives while `start` is still opening the
  // database must wait for it, or the database would be left open.
  const serial = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((err) => {
      logger.error({ err }, 'embedded server: message failed');
    });
  };

  // A parent that crashed never sends `stop`: end the calls and close the database all the same.
  channel.onParentGone(() => {
    serial(async () => {
      if (running) await stop(running, 'the desktop app stopped unexpectedly', logger);
      exit(0);
    });
  });

  channel.onMessage((msg: ToServer) => {
    switch (msg.type) {
      case 'start':
        serial(async () => {
          logger = createLogger(msg.config.logLevel ?? 'info');
          try {
            running = await start(msg.config, logger);
          } catch (err) {
            await channel.send({ type: 'failed', message: explainStartFailure(err, msg.config) });
            exit(1);
            return;
          }
          const url = running.server.url;
          await channel.send({
            type: 'ready',
            url,
            owner: running.owner,
            database: path.join(msg.config.dataDir, 'switchboard.db'),
          });
        });
        return;
      case 'session':
        serial(async () => {
          if (!running) throw new Error('session asked before the server started');
          const session = await ownerSession(running);
          await channel.send({ type: 'session', requestId: msg.requestId, session });
        });
        return;
      case 'stop':
        serial(async () => {
          const endedCalls = running ? await stop(running, msg.reason, logger) : 0;
          running = null;
          await channel.send({ type: 'stopped', endedCalls });
          exit(0);
        });
        return;
    }
  });
}

async function start(config: EmbeddedConfig, logger: Logger): Promise<Running> {
  await mkdir(config.dataDir, { recursive: true });
  const clock = systemClock();
  // Exclusive, as the CLI server is: another server on this database would end our live calls as
  // orphans. It refuses with DatabaseInUseError, naming the holder.
  const storage = await openStorage(`sqlite:${path.join(config.dataDir, 'switchboard.db')}`, {
    logger,
    exclusive: true,
  });
  try {
    await storage.migrate();
    const owner = await provisionOwner(storage, config.dataDir, config.ownerName, clock.now());
    const push = config.apns ? pushGateway(config.apns, logger) : null;
    if (!push) logger.warn('APNs is not configured: phones ring only while their app is connected');
    const server = await createServer({
      storage,
      push,
      clock,
      logger,
      config: {
        publicUrl: config.publicUrl,
        tls: config.tls,
        webRoot: config.webRoot,
        sessionTtlMs: config.sessionTtlMs ?? OWNER_SESSION_TTL_MS,
      },
    });
    try {
      await server.listen(config.port, config.host);
    } catch (err) {
      await server.close();
      throw err;
    }
    return { server, storage, owner, config, ownerSession: null };
  } catch (err) {
    // createServer closes the storage itself once it exists; before that, it is ours to close.
    await storage.close().catch(() => undefined);
    throw err;
  }
}

function pushGateway(apns: EmbeddedApns, logger: Logger): PushGateway {
  return createApnsPushGateway({
    keyPem: apns.keyPem,
    keyId: apns.keyId,
    teamId: apns.teamId,
    bundleId: apns.bundleId,
    forceEnvironment: apns.environment ?? undefined,
    endpoint: apns.endpoint,
    clock: systemClock(),
    logger,
  });
}

/** Calls are ended (parties told, cancels pushed) before the server and the database close. */
/**
 * The run's owner session (issue 20 item 6: every console load made a new week-long one): the one
 * already given while it has more than half its life left and still exists (the owner may have
 * signed it out), else a new one.
 */
async function ownerSession(running: Running): Promise<LoginSession> {
  const ttl = running.config.sessionTtlMs ?? OWNER_SESSION_TTL_MS;
  const now = Date.now();
  const kept = running.ownerSession;
  if (
    kept &&
    kept.expiresAt - now > ttl / 2 &&
    (await running.storage.sessions.find(hashSecret(kept.token)))
  ) {
    return kept;
  }
  running.ownerSession = await issueOwnerSession(running.storage, running.owner, now, ttl);
  return running.ownerSession;
}

async function stop(running: Running, reason: string, logger: Logger): Promise<number> {
  const ended = await running.server.endLiveCalls(reason);
  if (ended > 0) logger.info({ ended }, 'embedded server: ended the live calls before stopping');
  // The app's windows go with it: their session must not outlive them in the database.
  const session = running.ownerSession;
  if (session) await running.storage.sessions.remove(hashSecret(session.token)).catch(() => undefined);
  await running.server.close();
  return ended;
}

/** What the About panel shows when the server did not start: the cause, and what to do. */
export function explainStartFailure(err: unknown, config: EmbeddedConfig): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return `port ${config.port} is already in use (another Switchboard server?): stop it, or choose another port in Settings`;
  }
  if (code === 'EACCES')
    return `this computer does not allow listening on port ${config.port}: choose another port`;
  if (err instanceof ApnsConfigError) return `the APNs credentials cannot work: ${err.message}`;
  if (err instanceof DatabaseInUseError) {
    // The server's own words name CLI flags; here the fix is to stop the other program.
    return `another Switchboard server is using this app's database (${err.holder}): quit it, then start this computer's server again from Settings`;
  }
  return err instanceof Error ? err.message : String(err);
}
