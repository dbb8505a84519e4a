import { randomUUID } from 'node:crypto';
import {
  AGENT_REQUEST_ACCESS,
  type AgentAckData,
  type AgentRequest,
  type AgentRequestName,
  type AuditAction,
  agentAuthSchema,
  agentRequests,
  ERROR_CODES,
  type PushTestResult,
  requestRefusal,
  type ServerStatus,
} from '#shared';
import type { PairingService } from '../auth/pairing';
import type { SessionAuth } from '../auth/session-auth';
import type { SessionWatch } from '../auth/sessions';
import type { Backoff, SignInLimits } from '../auth/sign-in-limits';
import type { Availability } from '../availability/service';
import { callbackHandlers } from '../callbacks/handlers';
import type { Callbacks } from '../callbacks/service';
import { type IceConfig, iceServersFor } from '../calls/ice';
import type { CallService } from '../calls/service';
import { AppError, badRequest, forbidden, notFound } from '../errors';
import { qualityAgentHandlers } from '../quality/handlers';
import { QualityService } from '../quality/service';
import { healthHandlers, type PhoneHealthService } from '../ring-health';
import type { Roster } from '../roster/roster';
import { MEDIA_REQUESTS, softphoneHandlers } from '../softphone/handlers';
import { consoleOf, type Softphones } from '../softphone/softphones';
import { InvalidCursorError, type StaffRow, type Storage, StorageConflictError } from '../storage/types';
import { superviseHandlers } from '../supervise/handlers';
import type { Supervisions } from '../supervise/supervisions';
import type { AuditLog, AuditTarget } from '../team/audit';
import { transferHandlers } from '../transfer/handlers';
import { videoAgentHandlers } from '../video/handlers';
import type { VideoService } from '../video/service';
import { wrapUpHandlers } from '../wrapups/handlers';
import type { GatewayContext } from './context';
import { handshakeError, protocolMismatch } from './handshake';
import { ADMINS_ROOM, type AgentNamespace, type AgentSocket } from './hub';
import { bindRequests, type Handlers } from './requests';
import { sessionStatusOf, teamHandlers } from './team';

type AgentContext = GatewayContext & {
  calls: CallService;
  roster: Roster;
  pairing: PairingService;
  serverStatus: () => ServerStatus;
  sessions: SessionWatch;
  /** The session check every request goes through. */
  auth: SessionAuth;
  signInLimits: SignInLimits;
  /**
   * Wrong current passwords on `password:change`, per agent: a stolen session must not become a
   * way round the sign-in backoff to guess the password itself.
   */
  passwordGuesses: Backoff;
  /** `push:test`: one test VoIP push to a phone, answered with APNs' verdict in words. */
  testPush: (deviceId: string) => Promise<PushTestResult>;
  audit: AuditLog;
  video: VideoService;
  /** STUN/TURN handed to a call's parties by `rtc:ice`. */
  ice: IceConfig;
  /** Agents' availability: their own choice, and what consoles coming and going do to it. */
  availability: Availability;
  /** Which of each agent's consoles rings and carries audio. */
  softphones: Softphones;
  /** Phones' ring records and marks (issue 25). */
  health: PhoneHealthService;
  /** The callbacks queue (issue 24 item 4). */
  callbacks: Callbacks;
  /** Admins listening to, coaching or barging into calls (issue 26 item 5). */
  supervisions: Supervisions;
};

/** What the request handlers of one console share: the server's parts and the audit trail. */
type HandlerContext = AgentContext & {
  /** Puts what this console's agent did on the audit trail. */
  note: (action: AuditAction, target: AuditTarget | null, detail?: string | null) => Promise<void>;
  passwordGuesses: Backoff;
  quality: QualityService;
};

type AgentHandlers<K extends AgentRequestName> = {
  [E in K]: (req: AgentRequest<E>) => Promise<AgentAckData[E]>;
};

/** The `/agent` namespace: consoles, authenticated by a session token from `POST /api/login`. */
export function attachAgentGateway(nsp: AgentNamespace, ctx: AgentContext): void {
  const { storage, hub, calls, roster } = ctx;
  const { passwordGuesses } = ctx;
  const quality = new QualityService(ctx);

  // The one session check (SessionAuth), as HTTP's: the handshake, then every request from memory.
  nsp.use(async (socket, next) => {
    const mismatch = protocolMismatch(socket.handshake.auth, 'console');
    if (mismatch) return next(mismatch);
    const auth = agentAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) return next(handshakeError(ERROR_CODES.UNAUTHORIZED, 'a session token is required'));
    try {
      socket.data.actor = await ctx.auth.verify(auth.data.token);
    } catch {
      return next(
        handshakeError(ERROR_CODES.UNAUTHORIZED, 'the session is unknown or expired; sign in again'),
      );
    }
    socket.data.address = ctx.addresses.of(socket.request);
    socket.data.console = consoleOf(auth.data.console);
    socket.data.connectedAt = ctx.clock.now();
    socket.data.quietCalls = auth.data.features?.includes('callAcks') ? socket.id : null;
    next();
  });

  nsp.on('connection', (socket) => {
    const { agentId, tokenHash } = socket.data.actor;
    // An admin's open Team screen shows who is online: it refetches on the hint.
    // The first console of the agent makes them Available again (unless they chose Away): done
    // before the resync below, so whoever has the roster can already be rung.
    let back: Promise<void> = Promise.resolve();
    if (hub.join('agent', agentId)) {
      hub.toAgents('team:changed', {});
      back = ctx.availability.consoleBack(agentId);
    }
    calls.partyBack({ agentId });
    ctx.metrics.consoles.inc();
    socket.join(`agent:${agentId}`);
    followRole(socket);
    ctx.sessions.watch(socket);
    const softphoneKnown = ctx.requestOptions.track(ctx.softphones.connected(socket)).catch((err) => {
      ctx.logger[ctx.softphones.failureLevel]({ err, agentId }, 'could not choose the softphone');
    });
    // Its rooms are gone by `disconnect`: whether it was the softphone is read while it leaves.
    let heldSoftphone = false;
    socket.on('disconnecting', () => {
      heldSoftphone = ctx.softphones.holds(socket);
    });
    socket.on('disconnect', () => {
      void ctx.requestOptions.track(ctx.softphones.left(agentId, heldSoftphone)).catch((err) => {
        ctx.logger[ctx.softphones.failureLevel]({ err, agentId }, 'could not hand the softphone on');
      });
      // The supervisor's side of a supervision lives in their softphone page: it is gone.
      if (heldSoftphone) ctx.supervisions.supervisorLeft(agentId);
      if (hub.leave('agent', agentId)) {
        calls.partyLeft({ agentId });
        hub.toAgents('team:changed', {});
        ctx.availability.consoleLeft(agentId);
      }
      ctx.metrics.consoles.dec();
    });
    /**
     * Every request checks the session and the agent as they are now (issue 20 item 11), from
     * SessionAuth's memory, which notices keep current: a removed or disabled agent, or a role
     * changed a moment ago (from another console, another node or the CLI), counts at once.
     */
    const authorize = async (event: AgentRequestName) => {
      const me = await ctx.auth.actorOf(tokenHash);
      if (!me) {
        socket.disconnect(true);
        throw new AppError(ERROR_CODES.UNAUTHORIZED, 'your session ended; sign in again');
      }
      socket.data.actor = me;
      followRole(socket);
      if (MEDIA_REQUESTS.has(event)) ctx.softphones.require(socket);
      if (AGENT_REQUEST_ACCESS[event] === 'everyone') return;
      const refusal = requestRefusal(me.role, event);
      if (refusal) throw forbidden(refusal);
    };
    // The trail names the agent as they are called now; their id stays with it.
    const audit = async (action: AuditAction, target: AuditTarget | null, detail: string | null = null) => {
      const { name } = socket.data.actor;
      await ctx.audit.record({ id: agentId, name }, action, target, detail);
    };

    const handlers = { ...ctx, note: audit, passwordGuesses, quality };
    bindRequests<typeof agentRequests, AgentAckData>(
      socket,
      agentRequests,
      {
        ...rosterHandlers(handlers, agentId),
        ...callHandlers(handlers, agentId, socket.data.quietCalls ?? undefined),
        ...transferHandlers(calls, agentId),
        ...teamAndAvailability(handlers, agentId, tokenHash),
        ...softphoneHandlers(ctx.softphones, socket),
        ...superviseHandlers(ctx.supervisions, () => ({
          id: agentId,
          name: socket.data.actor.name,
          admin: socket.data.actor.role === 'admin',
        })),
        ...qualityAgentHandlers(quality, agentId),
        ...videoAgentHandlers({ ...ctx, notifier: ctx.hub }, agentId),
        ...healthHandlers(ctx, agentId),
        ...callbackHandlers(ctx.callbacks, calls, async () => {
          const me = (await ctx.auth.actorOf(tokenHash)) ?? socket.data.actor;
          return { id: agentId, name: me.name, admin: me.role === 'admin' };
        }),
      },
      ctx.requestOptions,
      (event) => authorize(event),
    );

    // State is sent whole on every (re)connect (Socket.IO's connection-state recovery is not on:
    // a console away longer than it keeps would miss changes), by the same audience rule as the
    // live broadcasts (calls/audience.ts).
    const resync = async () => {
      await back.catch(() => undefined);
      const me = await storage.agents.findById(agentId);
      if (me) socket.emit('session:status', sessionStatusOf(me));
      socket.emit('server:status', ctx.serverStatus());
      socket.emit('roster:snapshot', { staff: await roster.snapshot() });
      socket.emit('availability:snapshot', { agents: await ctx.availability.list() });
      // Which console rings is known before any call that would ring.
      await softphoneKnown;
      for (const { event, call } of calls.resyncFor(agentId)) socket.emit(event, { call });
      for (const video of ctx.video.resyncFor(agentId)) socket.emit('video:changed', video);
      // After the calls: a reloaded agent's page offers its supervisor again once it has the call.
      for (const change of ctx.supervisions.resyncFor(agentId)) socket.emit('supervise:changed', change);
    };
    void ctx.requestOptions.track(resync()).catch((err) => {
      ctx.logger.error({ err, agentId }, 'could not send the roster to a console');
      socket.disconnect(true);
    });
  });
}

/**
 * Keeps the console in the admins' room while its agent is an admin: what only admins use (the Live
 * board's `live:changed`) goes to that room instead of to every console, which with a team of
 * agents was most of the frames a call setup wrote (bench/README.md, issue 23 item 3).
 */
function followRole(socket: AgentSocket): void {
  const admin = socket.data.actor.role === 'admin';
  if (admin === socket.rooms.has(ADMINS_ROOM)) return;
  if (admin) socket.join(ADMINS_ROOM);
  else socket.leave(ADMINS_ROOM);
}

/**
 * The Team screen's requests, whose changes to the team reach every presence strip; each agent's
 * own availability; dispositions and calls' notes.
 */
function teamAndAvailability(ctx: HandlerContext, agentId: string, tokenHash: string) {
  const team = teamHandlers(ctx, agentId, tokenHash);
  const changing =
    <Q, R>(handler: (req: Q, from: undefined) => Promise<R>) =>
    async (req: Q): Promise<R> => {
      const result = await handler(req, undefined);
      ctx.availability.teamChanged();
      return result;
    };
  return {
    ...team,
    'agent:create': changing(team['agent:create']),
    'agent:update': changing(team['agent:update']),
    'agent:remove': changing(team['agent:remove']),
    'availability:set': ({ state }) => ctx.availability.choose(agentId, state),
    ...wrapUpHandlers({ ...ctx, notifier: ctx.hub }, agentId),
  } satisfies Partial<Handlers<typeof agentRequests, AgentAckData>>;
}

/** What a `staff:update` changed, in words, for the audit trail. */
function staffChanges(before: StaffRow, after: StaffRow): string | null {
  const changes: string[] = [];
  if (before.name !== after.name) changes.push(`name ${before.name} → ${after.name}`);
  if (before.handle !== after.handle)
    changes.push(`number ${before.handle ?? 'none'} → ${after.handle ?? 'none'}`);
  return changes.length > 0 ? changes.join('; ') : null;
}

/**
 * A new fallback (issue 25 item 7), checked: another staff member who exists. Its words for the
 * audit trail; null when the request does not set one.
 */
async function fallbackOf(storage: Storage, staffId: string, fallbackId: string | null | undefined) {
  if (fallbackId === undefined) return null;
  if (fallbackId === staffId) throw badRequest('a staff member cannot be their own fallback');
  const fallback = fallbackId === null ? null : await storage.staff.get(fallbackId);
  if (fallbackId !== null && !fallback) throw notFound('fallback staff member');
  return { words: `fallback ${fallback ? fallback.name : 'none'}` };
}

const phonesUnpaired = (n: number) => (n === 0 ? null : `${n} phone${n === 1 ? '' : 's'} unpaired`);

/** Staff, phones, pairing, the directory and history: the roster's requests. */
function rosterHandlers(ctx: HandlerContext, agentId: string) {
  const { storage, clock, hub, calls, roster, note: audit } = ctx;
  return {
    'staff:create': async ({ name, handle }) => {
      const id = randomUUID();
      await storage.staff.create({ id, name, handle: handle ?? null, createdAt: clock.now() });
      roster.changed(id);
      await audit('staff.added', { id, name }, handle ? `number ${handle}` : null);
      return (await roster.entryFor(id))!;
    },
    'staff:update': async ({ staffId, ...patch }) => {
      const before = await storage.staff.get(staffId);
      const fallback = await fallbackOf(storage, staffId, patch.fallbackStaffId);
      const row = await storage.staff.update(staffId, patch).catch((e) => {
        if (e instanceof StorageConflictError) throw new AppError(ERROR_CODES.CONFLICT, e.message);
        throw e;
      });
      if (!before || !row) throw notFound('staff member');
      roster.changed(staffId);
      const changes = [staffChanges(before, row), fallback?.words].filter(Boolean).join('; ');
      await audit('staff.changed', { id: staffId, name: row.name }, changes || 'nothing changed');
      return (await roster.entryFor(staffId))!;
    },
    'staff:remove': async ({ staffId }) => {
      if (calls.liveCalls().some((c) => c.staffId === staffId)) {
        throw new AppError(ERROR_CODES.CONFLICT, 'this staff member is in a call; try again after it ends');
      }
      const staff = await storage.staff.get(staffId);
      const devices = await storage.devices.listByStaff(staffId);
      if (!staff || !(await storage.staff.remove(staffId))) throw notFound('staff member');
      // Their phones are unpaired with them: an open socket must not outlive its device record.
      for (const device of devices) hub.disconnectDevice(device.id);
      roster.removedStaff(staffId);
      await audit('staff.removed', { id: staffId, name: staff.name }, phonesUnpaired(devices.length));
      return { staffId };
    },
    'pairing:create': async ({ staffId }) => {
      const created = await ctx.pairing.create(agentId, staffId);
      const staff = await storage.staff.get(staffId);
      await audit('phone.pairing_started', { id: staffId, name: staff?.name ?? null });
      return created;
    },
    'device:remove': async ({ deviceId }) => {
      const device = await storage.devices.get(deviceId);
      if (!device) throw notFound('phone');
      if (calls.liveCalls().some((c) => c.devices.some((d) => d.deviceId === deviceId))) {
        throw new AppError(ERROR_CODES.CONFLICT, 'this phone is in a call; try again after it ends');
      }
      if (!(await storage.devices.remove(deviceId))) throw notFound('phone');
      hub.disconnectDevice(deviceId);
      roster.changed(device.staffId);
      const staff = await storage.staff.get(device.staffId);
      await audit(
        'phone.unpaired',
        { id: deviceId, name: device.name },
        `of ${staff?.name ?? 'a removed staff member'}`,
      );
      return { deviceId, staffId: device.staffId };
    },
    'directory:get': () => storage.directory.get(),
    'history:query': async ({ limit, cursor, ...filter }) => {
      try {
        const page = await storage.calls.query(filter, { limit, cursor });
        return { ...page, quality: await ctx.quality.forCalls(page.calls) };
      } catch (e) {
        if (e instanceof InvalidCursorError) throw badRequest(e.message);
        throw e;
      }
    },
    'push:test': ({ deviceId }) => ctx.testPush(deviceId),
  } satisfies Partial<AgentHandlers<AgentRequestName>>;
}

/**
 * Placing, taking and running calls, and their media signaling. `quiet`: this console's socket when
 * it takes its call requests' acks as the changes (`callAcks`).
 */
function callHandlers(ctx: HandlerContext, agentId: string, quiet: string | undefined) {
  const { clock, calls } = ctx;
  return {
    'call:place': (req) => calls.place(agentId, req, quiet),
    'call:accept': ({ callId }) => calls.act(agentId, callId, { type: 'accepted', agentId }, quiet),
    'call:decline': ({ callId }) => calls.act(agentId, callId, { type: 'declined' }, quiet),
    'call:hangup': ({ callId }) => calls.act(agentId, callId, { type: 'hangup' }, quiet),
    'call:hold': ({ callId, on }) => calls.act(agentId, callId, { type: 'hold', on }, quiet),
    'call:mute': ({ callId, on }) => calls.act(agentId, callId, { type: 'mute', on }, quiet),
    'rtc:signal': async ({ callId, signal }) => {
      calls.relaySignal({ agentId }, callId, signal);
      return null;
    },
    // The call's media, or a warm transfer's consultation between two consoles.
    'rtc:ice': async ({ callId }) =>
      iceServersFor(ctx.ice, agentId, clock.now(), calls.iceStart(agentId, callId)),
    'call:sync': (req) => calls.syncAgent(agentId, req),
    // The Network test's: minted as a call answered now would be, and as short-lived.
    'network:ice': async () => iceServersFor(ctx.ice, agentId, clock.now(), clock.now()),
  } satisfies Partial<AgentHandlers<AgentRequestName>>;
}
