import { useState } from 'react';

/**
 * A password the server made for someone else, shown this once: big enough to read out, with a
 * copy button. The server keeps only its hash, so closing the dialog loses it for good.
 */
export function OneTimePassword({ name, password }: { name: string; password: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(password);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <div className="otp">
      <p>
        Give <strong>{name}</strong> this password. It is shown only now; they are asked to choose their own
        when they sign in.
      </p>
      <div className="otp-row">
        <output className="otp-value mono" aria-label={`One-time password for ${name}`}>
          {password}
        </output>
        <button type="button" className="btn btn-sm" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="muted otp-note" role="status">
        {copied === 'yes'
          ? 'Copied.'
          : copied === 'no'
            ? 'This browser would not copy; select it instead.'
            : ''}
      </p>
    </div>
  );
}
