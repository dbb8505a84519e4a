import { randomUUID } from 'node:crypto';
import type { AgentAckData, AgentRequest, AuditAction, Clock, WrapUp } from '#shared';
import type { Availability } from '../availability/service';
import type { Notifier } from '../calls/ports';
import { badRequest, forbidden, notFound } from '../errors';
import type { Storage } from '../storage/types';
import type { AuditTarget } from '../team/audit';

type Names = 'dispositions:get' | 'dispositions:set' | 'call:wrapup';

export interface WrapUpContext {
  storage: Storage;
  clock: Clock;
  notifier: Pick<Notifier, 'toAgents'>;
  availability: Pick<Availability, 'wrapUpSaved'>;
  /** Puts what this console's agent did on the audit trail. */
  note: (action: AuditAction, target: AuditTarget | null, detail?: string | null) => Promise<void>;
}

/**
 * Notes and dispositions (issue 24 item 3): the admins keep the list (the access table says only
 * they may set it; every change is audited and reaches every console), and a call's own agent
 * writes its note and disposition, during the call or after it.
 */
export function wrapUpHandlers(
  ctx: WrapUpContext,
  agentId: string,
): { [E in Names]: (req: AgentRequest<E>) => Promise<AgentAckData[E]> } {
  const { storage } = ctx;
  return {
    'dispositions:get': async () => ({ dispositions: await storage.wrapUps.dispositions() }),
    'dispositions:set': async ({ dispositions: wanted }) => {
      const { dispositions, changes } = await storage.wrapUps.setDispositions(wanted, ctx.clock.now(), () =>
        randomUUID(),
      );
      if (changes.length > 0) {
        await ctx.note('disposition.changed', null, changes.join('; '));
        ctx.notifier.toAgents('dispositions:changed', { dispositions });
      }
      return { dispositions };
    },
    'call:wrapup': async ({ callId, note, dispositionId }) => {
      const call = await storage.calls.get(callId);
      if (!call) throw notFound('call');
      if (call.agentId !== agentId) {
        throw forbidden('only the agent who took this call may write its note and disposition');
      }
      let dispositionName: string | null = null;
      if (dispositionId !== null) {
        const chosen = (await storage.wrapUps.dispositions()).find((d) => d.id === dispositionId);
        const kept = await storage.wrapUps.get(callId);
        // A disposition removed since it was chosen may stay on the call, but not be chosen anew.
        if (!chosen || (chosen.archived && kept?.dispositionId !== dispositionId)) {
          throw badRequest('that disposition is no longer on the list; choose another');
        }
        dispositionName = chosen.name;
      }
      const wrapUp: WrapUp = { note, dispositionId, dispositionName, agentId, updatedAt: ctx.clock.now() };
      await storage.wrapUps.save(callId, wrapUp);
      // The call is accounted for: the after-call work it left ends now.
      if (dispositionId !== null) await ctx.availability.wrapUpSaved(agentId, callId);
      return wrapUp;
    },
  };
}
