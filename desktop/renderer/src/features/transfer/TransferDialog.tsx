import { useEffect, useId, useState } from 'react';
import { type Call, TRANSFER_KINDS, type TransferKind, type TransferTarget } from '#shared';
import { useApi } from '../../api/context';
import { refusalText } from '../../api/refusal';
import { FormDialog } from '../../ui/Dialog';
import { useRequest } from '../../ui/useRequest';
import { useTransferActions } from './useTransferActions';
import { KIND_HINTS, KIND_LABELS } from './words';

/**
 * Whom to hand the call to, and how. The list is the server's (`transfer:targets`): the agents who
 * can take a call now; it is asked again when the dialog opens, and the server checks once more.
 */
export function TransferDialog({
  call,
  person,
  onClose,
}: {
  call: Call;
  person: string;
  onClose: () => void;
}) {
  const api = useApi();
  const { start, done } = useTransferActions();
  const request = useRequest();
  const [targets, setTargets] = useState<TransferTarget[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [kind, setKind] = useState<TransferKind>('blind');
  const groupId = useId();

  useEffect(() => {
    let live = true;
    void api.request('transfer:targets', { callId: call.id }).then((ack) => {
      if (!live) return;
      if (!ack.ok) return setLoadError(refusalText(ack.error));
      setTargets(ack.data.agents);
      setTo((chosen) => chosen ?? ack.data.agents[0]?.agentId ?? null);
    });
    return () => {
      live = false;
    };
  }, [api, call.id]);

  const submit = async () => {
    if (!to) return;
    const ack = await request.run(() => start(call.id, to, kind));
    if (ack.ok) {
      done(ack, 'transfer the call');
      onClose();
    }
  };

  return (
    <FormDialog
      title={`Transfer the call with ${person}`}
      onClose={onClose}
      onSubmit={submit}
      submit={kind === 'warm' ? 'Call them first' : 'Transfer'}
      busy={request.busy}
      disabled={!to}
      error={request.error ?? loadError}
    >
      <fieldset className="transfer-choice" aria-describedby={`${groupId}-agents-note`}>
        <legend>To</legend>
        {targets === null && !loadError && <p className="muted">Looking for available agents…</p>}
        {targets?.length === 0 && (
          <p className="muted" id={`${groupId}-agents-note`}>
            Nobody can take a call now: every other agent is away, in a call or signed out.
          </p>
        )}
        {targets?.map((agent) => (
          <label key={agent.agentId} className="transfer-option">
            <input
              type="radio"
              name={`${groupId}-to`}
              checked={to === agent.agentId}
              onChange={() => setTo(agent.agentId)}
            />
            {agent.name}
          </label>
        ))}
      </fieldset>
      <fieldset className="transfer-choice">
        <legend>How</legend>
        {TRANSFER_KINDS.map((k) => (
          <label key={k} className="transfer-option">
            <input type="radio" name={`${groupId}-kind`} checked={kind === k} onChange={() => setKind(k)} />
            <span>
              {KIND_LABELS[k]}
              <span className="muted transfer-hint">{KIND_HINTS[k]}</span>
            </span>
          </label>
        ))}
      </fieldset>
    </FormDialog>
  );
}
