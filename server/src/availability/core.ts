import type { CallCore } from '../calls/ports';
import type { CallService } from '../calls/service';
import type { Availability } from './service';

/**
 * The call core as the ports see it, plus availability: an agent whose consoles went away with
 * their node (cluster mode) gets the Away grace like one who closed them.
 */
export function withAvailability(calls: CallService, availability: Availability): CallCore {
  return {
    ringOver: (callId) => calls.ringOver(callId),
    transferOver: (callId) => calls.transferOver(callId),
    graceOver: (party) => calls.graceOver(party),
    partyGone(party) {
      calls.partyGone(party);
      if ('agentId' in party) availability.consoleLeft(party.agentId);
    },
    resendCancel: (call, deviceId, reason) => calls.resendCancel(call, deviceId, reason),
    recover: () => calls.recover(),
  };
}
