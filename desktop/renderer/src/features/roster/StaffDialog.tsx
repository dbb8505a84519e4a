import { useState } from 'react';
import { e164, type StaffEntry, seconds } from '#shared';
import { useApi } from '../../api/context';
import { useConsole, useStaff } from '../../store/hooks';
import { FormDialog } from '../../ui/Dialog';
import { Field, InputField } from '../../ui/Field';
import { useRequest } from '../../ui/useRequest';

/** Add a staff member, or rename one (and change their number and their fallback). */
export function StaffDialog({
  staff,
  onClose,
  onSaved,
}: {
  staff: StaffEntry | null;
  onClose: () => void;
  onSaved?: (entry: StaffEntry) => void;
}) {
  const api = useApi();
  const request = useRequest();
  const [name, setName] = useState(staff?.name ?? '');
  const [handle, setHandle] = useState(staff?.handle ?? '');
  const [fallback, setFallback] = useState(staff?.fallbackStaffId ?? '');
  const trimmed = handle.replace(/[\s()-]/g, '');
  const handleError =
    trimmed !== '' && !e164.safeParse(trimmed).success
      ? 'Use the international format: a plus, the country code and the number, such as +15551234567.'
      : null;

  async function submit() {
    if (handleError || name.trim() === '') return;
    const ack = await request.run(() =>
      staff
        ? api.request('staff:update', {
            staffId: staff.id,
            name: name.trim(),
            handle: trimmed || null,
            ...(fallback !== (staff.fallbackStaffId ?? '') ? { fallbackStaffId: fallback || null } : {}),
          })
        : api.request('staff:create', { name: name.trim(), ...(trimmed ? { handle: trimmed } : {}) }),
    );
    if (!ack.ok) return;
    // Adding goes straight on to pairing (the caller swaps this dialog for that one).
    if (onSaved) onSaved(ack.data);
    else onClose();
  }

  return (
    <FormDialog
      title={staff ? `Rename ${staff.name}` : 'Add a staff member'}
      onClose={onClose}
      onSubmit={submit}
      submit={staff ? 'Save' : 'Add staff member'}
      busy={request.busy}
      disabled={handleError !== null}
      error={request.error}
    >
      <InputField
        label="Name"
        value={name}
        onValue={setName}
        maxLength={80}
        required
        // Focused on open: the dialog opens to type a name.
        autoFocus
      />
      <InputField
        label="Phone number (optional)"
        hint="Shown on the phone’s call screen; search finds it too."
        error={handleError}
        className="input mono"
        inputMode="tel"
        placeholder="+15551234567"
        value={handle}
        onValue={setHandle}
      />
      {staff && <FallbackField staff={staff} value={fallback} onValue={setFallback} />}
    </FormDialog>
  );
}

/**
 * Who else rings when none of this staff member's phones rings in time (issue 25 item 7): the
 * server notes it on the call's timeline, and the fallback's phones join the ring.
 */
function FallbackField({
  staff,
  value,
  onValue,
}: {
  staff: StaffEntry;
  value: string;
  onValue: (id: string) => void;
}) {
  const everyone = useStaff();
  const after = useConsole((s) => s.notRungAfterMs);
  const others = everyone.filter((s) => s.id !== staff.id);
  return (
    <Field
      label={`If no phone of ${staff.name} rings in ${after ? seconds(after) : 'a few seconds'}, also ring`}
      hint="The call then rings their phones too; the first to answer takes it."
    >
      {(control) => (
        <select {...control} className="input" value={value} onChange={(e) => onValue(e.target.value)}>
          <option value="">Nobody</option>
          {others.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
