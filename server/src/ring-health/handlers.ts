import type { AgentAckData, agentRequests, healthRequests } from '#shared';
import type { CallService } from '../calls/service';
import { notFound } from '../errors';
import type { Handlers } from '../gateways/requests';
import type { Storage } from '../storage/types';
import type { PhoneHealthService } from './health';

type HealthHandlers = Pick<Handlers<typeof agentRequests, AgentAckData>, keyof typeof healthRequests>;

/** A console's phone-health requests (who may send which: shared/src/access.ts). */
export function healthHandlers(
  ctx: { storage: Storage; health: PhoneHealthService; calls: CallService },
  agentId: string,
): HealthHandlers {
  return {
    'health:records': async () => ({ phones: await ctx.health.records() }),
    'health:phone': async ({ deviceId }) => {
      if (!(await ctx.storage.devices.get(deviceId))) throw notFound('phone');
      return ctx.health.phone(deviceId);
    },
    'health:team': () => ctx.health.team(),
    'ring:test': (target) => ctx.calls.ringTest(agentId, target),
  };
}
