import { useState } from 'react';
import { type Call, NOTE_MAX_LENGTH } from '#shared';
import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { Field, FormError } from '../../ui/Field';
import { useRequest } from '../../ui/useRequest';
import { dispositionLabel, pickable, unsaved } from './words';
import './wrapup.css';

/**
 * The call's note and disposition, written by its agent during the call or after it. Saving a
 * disposition once the call is over ends the agent's after-call work (the server's rule).
 */
export function WrapUpForm({ call }: { call: Call }) {
  const api = useApi();
  const saved = useConsole((s) => s.wrapUps[call.id] ?? call.wrapUp ?? undefined);
  const all = useConsole((s) => s.dispositions);
  const [note, setNote] = useState(saved?.note ?? '');
  const [dispositionId, setDispositionId] = useState<string | null>(saved?.dispositionId ?? null);
  const { busy, error, run } = useRequest();
  const dirty = unsaved(saved, note, dispositionId);
  const save = () =>
    void run(async () => {
      const ack = await api.request('call:wrapup', { callId: call.id, note, dispositionId });
      if (ack.ok) consoleStore.getState().wrapUpSaved(call.id, ack.data);
      return ack;
    });
  return (
    <form
      className="wrapup"
      aria-label="Note and disposition"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <Field label="Note">
        {(control) => (
          <textarea
            {...control}
            className="input wrapup-note"
            rows={3}
            maxLength={NOTE_MAX_LENGTH}
            value={note}
            placeholder="What was the call about?"
            onChange={(e) => setNote(e.target.value)}
          />
        )}
      </Field>
      <div className="wrapup-row">
        <Field label="Disposition" className="wrapup-disposition">
          {(control) => (
            <select
              {...control}
              className="input"
              value={dispositionId ?? ''}
              onChange={(e) => setDispositionId(e.target.value || null)}
            >
              <option value="">Not chosen</option>
              {pickable(all, saved?.dispositionId ?? null).map((d) => (
                <option key={d.id} value={d.id}>
                  {dispositionLabel(d)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy || !dirty}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      <p className="wrapup-status muted" role="status">
        {saved && !dirty ? `Saved${saved.dispositionName ? ` · ${saved.dispositionName}` : ''}` : ''}
      </p>
      <FormError>{error}</FormError>
    </form>
  );
}
