import { useCallback } from 'react';
import type { Ack, AgentAckData, Call } from '#shared';
import { useApi } from '../../api/context';
import { consoleStore } from '../../store/store';

type Target = { staffId: string } | { deviceId: string };

/** A refusal in words; the codes are the server's, the sentences are for the agent. */
export function refusalText(ack: Extract<Ack<unknown>, { ok: false }>, what: string): string {
  switch (ack.error.code) {
    case 'BUSY':
      return `Cannot ${what}: you are already in a call. Hang up first.`;
    case 'UNAVAILABLE':
      return consoleStore.getState().connection.status === 'connected'
        ? `Cannot ${what}: the server did not answer in time. Try again.`
        : `Cannot ${what}: not connected to the server. It reconnects by itself; try again when it says Connected.`;
    case 'ANSWERED_ELSEWHERE':
      return 'Another agent took this call.';
    case 'CALL_ENDED':
      return 'This call has already ended.';
    default:
      return `Cannot ${what}: ${ack.error.message}`;
  }
}

/**
 * The ack of a call request is the call as the request left it, and this console's only word of
 * that change (`callAcks`: the server sends it no `call:changed` for it): applied as one.
 */
function applyCall(ack: Ack<Call>, what: string): boolean {
  if (ack.ok) {
    const store = consoleStore.getState();
    store.callRequestDone(ack.data);
    store.transferSeen(ack.data);
    return true;
  }
  consoleStore.getState().callRequestRefused(refusalText(ack, what));
  return false;
}

/** Every call action the console offers, each answered in the store (the call) or a notice. */
export function useCallActions() {
  const api = useApi();
  const place = useCallback(
    async (target: Target) => applyCall(await api.request('call:place', { ...target, video: false }), 'call'),
    [api],
  );
  const act = useCallback(
    async (
      event: 'call:hangup' | 'call:accept' | 'call:decline',
      callId: string,
      what: string,
    ): Promise<Ack<AgentAckData[typeof event]>> => {
      const ack = await api.request(event, { callId });
      applyCall(ack, what);
      return ack;
    },
    [api],
  );
  const toggle = useCallback(
    async (event: 'call:hold' | 'call:mute', callId: string, on: boolean) =>
      applyCall(await api.request(event, { callId, on }), event === 'call:hold' ? 'hold' : 'mute'),
    [api],
  );
  return { place, act, toggle };
}
