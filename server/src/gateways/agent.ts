import { randomUUID } from 'node:crypto';
import type { Namespace } from 'socket.io';
import { agentAuthSchema, agentRequests, ERROR_CODES } from '#shared';
import { hashSecret } from '../auth';
import type { CallService } from '../calls/service';
import { AppError, badRequest, notFound } from '../errors';
import type { PairingService } from '../pairing';
import type { Roster } from '../roster';
import { InvalidCursorError } from '../storage/types';
import type { GatewayContext } from './context';
import { bindRequests } from './requests';

/** The `/agent` namespace: consoles, authenticated by a session token from `POST /api/login`. */
export function attachAgentGateway(
  nsp: Namespace,
  ctx: GatewayContext & { calls: CallService; roster: Roster; pairing: PairingService },
): void {
  const { storage, clock, hub, calls, roster } = ctx;

  nsp.use(async (socket, next) => {
    const auth = agentAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) return next(new Error('UNAUTHORIZED: a session token is required'));
    const session = await storage.sessions.find(hashSecret(auth.data.token)).catch(() => null);
    if (!session || session.expiresAt <= clock.now()) {
      return next(new Error('UNAUTHORIZED: the session is unknown or expired; sign in again'));
    }
    socket.data.agentId = session.agentId;
    next();
  });

  nsp.on('connection', (socket) => {
    const agentId: string = socket.data.agentId;
    hub.join('agent', agentId);
    ctx.metrics.consoles.inc();
    socket.join(`agent:${agentId}`);
    socket.on('disconnect', () => {
      hub.leave('agent', agentId);
      ctx.metrics.consoles.dec();
    });

    bindRequests(
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
          if (!(await storage.staff.remove(staffId))) throw notFound('staff member');
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
        'directory:set': async ({ entries }) => {
          const version = await storage.directory.set(entries, clock.now());
          hub.toAllDevices('directory:changed', { version });
          return { version };
        },
        'history:query': async ({ limit, cursor, ...filter }) => {
          try {
            return await storage.calls.query(filter, { limit, cursor });
          } catch (e) {
            if (e instanceof InvalidCursorError) throw badRequest(e.message);
            throw e;
          }
        },
      },
      ctx.requestOptions,
    );

    // State resyncs on every (re)connect rather than trusting Socket.IO's recovery.
    const resync = async () => {
      socket.emit('roster:snapshot', { staff: await roster.snapshot() });
      for (const call of calls.liveCalls()) {
        if (call.direction === 'inbound' && call.agentId === null) socket.emit('call:incoming', { call });
        else if (call.agentId === agentId) socket.emit('call:changed', { call });
      }
    };
    void ctx.requestOptions.track(resync()).catch((err) => {
      ctx.logger.error({ err, agentId }, 'could not send the roster to a console');
      socket.disconnect(true);
    });
  });
}
