import { type ComponentProps, type ReactNode, useId } from 'react';

/** What a field hands its control so the label, the hint and the error belong to it. */
export interface FieldControl {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/**
 * A labelled form field with a hint under it, replaced by the error while there is one. The
 * control is the caller's (an input, a select), given the ids that tie them together.
 */
export function Field({
  label,
  hint,
  error,
  className,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  className?: string;
  children: (control: FieldControl) => ReactNode;
}) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = error || hint;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': note ? noteId : undefined })}
      {note && (
        <span id={noteId} className={error ? 'field-error' : 'muted field-hint'}>
          {note}
        </span>
      )}
    </div>
  );
}

/**
 * The common field: a text input (any `type`, `autoComplete` and the rest as on <input>), its
 * value handed back as typed.
 */
export function InputField({
  label,
  hint,
  error,
  onValue,
  className = 'input',
  ...input
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  onValue?: (value: string) => void;
} & Omit<ComponentProps<'input'>, 'id' | 'onChange' | 'aria-invalid' | 'aria-describedby'>) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <input
          {...input}
          {...control}
          className={className}
          onChange={onValue && ((e) => onValue(e.target.value))}
        />
      )}
    </Field>
  );
}

/** A refusal or failure about the whole form, announced as it appears; nothing when there is none. */
export function FormError({ id, children }: { id?: string; children: ReactNode }) {
  if (!children) return null;
  return (
    <p id={id} className="form-error" role="alert">
      {children}
    </p>
  );
}
