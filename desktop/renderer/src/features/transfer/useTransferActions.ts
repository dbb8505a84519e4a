import { useCallback } from 'react';
import type { Ack, Call, TransferKind } from '#shared';
import { useApi } from '../../api/context';
import { consoleStore } from '../../store/store';
import { refusalText } from '../call';

type CallRequest = 'transfer:accept' | 'transfer:decline' | 'transfer:complete' | 'transfer:cancel';

/** The call as the answer has it goes to the call panel and to the transfers; a refusal above the panel. */
function applied(ack: Ack<Call>, what: string): boolean {
  const store = consoleStore.getState();
  if (!ack.ok) {
    store.callRequestRefused(refusalText(ack, what));
    return false;
  }
  store.callRequestDone(ack.data);
  store.transferSeen(ack.data);
  return true;
}

/** Every transfer request a console makes, each answered in the store or as a notice. */
export function useTransferActions() {
  const api = useApi();
  const start = useCallback(
    async (callId: string, toAgentId: string, kind: TransferKind) =>
      api.request('transfer:start', { callId, toAgentId, kind }),
    [api],
  );
  const act = useCallback(
    async (event: CallRequest, callId: string, what: string) =>
      applied(await api.request(event, { callId }), what),
    [api],
  );
  return { start, act, done: applied };
}
