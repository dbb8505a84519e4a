import { useState } from 'react';
import { CALLBACK_REASON_MAX, type Callback } from '#shared';
import { useApi } from '../../api/context';
import { consoleStore } from '../../store/store';
import { FormDialog } from '../../ui/Dialog';
import { Field } from '../../ui/Field';
import { useRequest } from '../../ui/useRequest';

/** Closing a callback by hand says why (it goes on the audit trail). */
export function CloseCallbackDialog({ callback, onClose }: { callback: Callback; onClose: () => void }) {
  const api = useApi();
  const [reason, setReason] = useState('');
  const { busy, error, run } = useRequest();
  return (
    <FormDialog
      title={`Close the callback to ${callback.staffName}`}
      submit="Close callback"
      busy={busy}
      disabled={reason.trim() === ''}
      error={error}
      onClose={onClose}
      onSubmit={() =>
        void run(async () => {
          const ack = await api.request('callback:close', { callbackId: callback.id, reason });
          if (ack.ok) {
            consoleStore.getState().callbacksChanged([ack.data]);
            onClose();
          }
          return ack;
        })
      }
    >
      <Field label="Reason">
        {(control) => (
          <input
            {...control}
            className="input"
            required
            maxLength={CALLBACK_REASON_MAX}
            value={reason}
            placeholder="e.g. sorted by e-mail"
            onChange={(e) => setReason(e.target.value)}
          />
        )}
      </Field>
    </FormDialog>
  );
}
