import { randomUUID } from 'node:crypto';
import {
  type AgentAckData,
  agentAuthSchema,
  agentRequests,
  ERROR_CODES,
  type PushTestResult,
  type ServerStatus,
} from '#shared';
import { hashSecret } from '../auth';
import type { CallService } from '../calls/service';
import { type IceConfig, iceServersFor } from '../ice';
import { AppError, badRequest, notFound } from '../errors';
import type { PairingService } from '../pairing';
import type { Roster } from '../roster';
import { InvalidCursorError } from '../storage/types';
import type { GatewayContext } from './context';
import { handshakeError, protocolMismatch } from './handshake';
import type { AgentNamespace } from './hub';
import { bindRequests } from './requests';
import type { SessionWatch } from './sessions';

/** The `/agent` namespace: consoles, authenticated by a session token from `POST /api/login`. */
export function attachAgentGateway(
  nsp: AgentNamespace,
  ctx: GatewayContext & {
    calls: CallService;
    roster: Roster;
    pairing: PairingService;
    serverStatus: () => ServerStatus;
    sessions: SessionWatch;
    /** `push:test`: one test VoIP push to a phone, answered with APNs' verdict in words. */
    testPush: (deviceId: string) => Promise<PushTestResult>;
    /** STUN/TURN handed to a call's parties by `rtc:ice`. */
    ice: IceConfig;
  },
): void {
  const { storage, clock, hub, calls, roster } = ctx;

  nsp.use(async (socket, next) => {
    const mismatch = protocolMismatch(socket.handshake.auth, 'console');
    if (mismatch) return next(mismatch);
    const auth = agentAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) return next(handshakeError(ERROR_CODES.UNAUTHORIZED, 'a session token is required'));
    const tokenHash = hashSecret(auth.data.token);
    const session = await storage.sessions.find(tokenHash).catch(() => null);
    if (!session || session.expiresAt <= clock.now()) {
      return next(
        handshakeError(ERROR_CODES.UNAUTHORIZED, 'the session is unknown or expired; sign in again'),
      );
    }
    socket.data.agentId = session.agentId;
    socket.data.tokenHash = tokenHash;
    socket.data.expiresAt = session.expiresAt;
    next();
  });

  nsp.on('connection', (socket) => {
    const agentId: string = socket.data.agentId;
    hub.join('agent', agentId);
    calls.partyBack({ agentId });
    ctx.metrics.consoles.inc();
    socket.join(`agent:${agentId}`);
    ctx.sessions.watch(socket, socket.data.tokenHash, socket.data.expiresAt);
    socket.on('disconnect', () => {
      if (hub.leave('agent', agentId)) calls.partyLeft({ agentId });
      ctx.metrics.consoles.dec();
    });

    bindRequests<typeof agentRequests, AgentAckData>(
      socket,
      agentRequests,
      {
        'staff:create': async ({ name, handle }) => {
          const id = randomUUID();
          await storage.staff.create({ id, name, handle: handle ?? null, createdAt: clock.now() });
          roster.changed(id);
          return (await roster.entryFor(id))!;
        },
        'staff:update': async ({ staffId, ...patch }) => {
          const row = await storage.staff.update(staffId, patch);
          if (!row) throw notFound('staff member');
          roster.changed(staffId);
          return (await roster.entryFor(staffId))!;
        },
        'staff:remove': async ({ staffId }) => {
          if (calls.liveCalls().some((c) => c.staffId === staffId)) {
            throw new AppError(
              ERROR_CODES.CONFLICT,
              'this staff member is in a call; try again after it ends',
            );
          }
          const devices = await storage.devices.listByStaff(staffId);
          if (!(await storage.staff.remove(staffId))) throw notFound('staff member');
          // Their phones are unpaired with them: an open socket must not outlive its device record.
          for (const device of devices) hub.disconnectDevice(device.id);
          roster.removedStaff(staffId);
          return { staffId };
        },
        'pairing:create': ({ staffId }) => ctx.pairing.create(agentId, staffId),
        'call:place': (req) => calls.place(agentId, req),
        'call:accept': ({ callId }) => calls.act(agentId, callId, { type: 'accepted', agentId }),
        'call:decline': ({ callId }) => calls.act(agentId, callId, { type: 'declined' }),
        'call:hangup': ({ callId }) => calls.act(agentId, callId, { type: 'hangup' }),
        'call:hold': ({ callId, on }) => calls.act(agentId, callId, { type: 'hold', on }),
        'call:mute': ({ callId, on }) => calls.act(agentId, callId, { type: 'mute', on }),
        'rtc:signal': async ({ callId, signal }) => {
          calls.relaySignal({ agentId }, callId, signal);
          return null;
        },
        'rtc:ice': async ({ callId }) => {
          calls.rtcPeer({ agentId }, callId);
          return iceServersFor(ctx.ice, agentId, clock.now());
        },
        'directory:set': async ({ entries }) => {
          const version = await storage.directory.set(entries, clock.now());
          hub.toAllDevices('directory:changed', { version });
          return { version };
        },
        'directory:get': () => storage.directory.get(),
        'call:sync': (req) => calls.syncAgent(agentId, req),
        'history:query': async ({ limit, cursor, ...filter }) => {
          try {
            return await storage.calls.query(filter, { limit, cursor });
          } catch (e) {
            if (e instanceof InvalidCursorError) throw badRequest(e.message);
            throw e;
          }
        },
        'push:test': ({ deviceId }) => ctx.testPush(deviceId),
      },
      ctx.requestOptions,
    );

    // State resyncs on every (re)connect rather than trusting Socket.IO's recovery, by the same
    // audience rule as the live broadcasts (calls/audience.ts).
    const resync = async () => {
      socket.emit('server:status', ctx.serverStatus());
      socket.emit('roster:snapshot', { staff: await roster.snapshot() });
      for (const { event, call } of calls.resyncFor(agentId)) socket.emit(event, { call });
    };
    void ctx.requestOptions.track(resync()).catch((err) => {
      ctx.logger.error({ err, agentId }, 'could not send the roster to a console');
      socket.disconnect(true);
    });
  });
}
