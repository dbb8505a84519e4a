import { toString as qrSvg } from 'qrcode';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StaffEntry } from '#shared';
import { useApi } from '../../api/context';
import { refusalText } from '../../api/refusal';
import { formatClock } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { useStaff } from '../../store/hooks';
import { Dialog } from '../../ui/Dialog';
import { loopbackServer } from './link';
import './pairing.css';

interface Code {
  code: string;
  url: string;
  expiresAt: number;
  svg: string;
}

/** "ABCDE FGHJK": the 10-character code in two groups, easier to read out over the phone. */
const grouped = (code: string) => `${code.slice(0, 5)} ${code.slice(5)}`;

/**
 * The QR code of `switchboard://pair?…` and the code as text, with a countdown. When a phone of
 * this staff member appears in the roster that was not there when the dialog opened, the code was
 * redeemed: the dialog closes itself and the roster highlights the new phone.
 */
export function PairDialog({
  staff,
  onClose,
  onPaired,
}: {
  staff: StaffEntry;
  onClose: () => void;
  onPaired: (deviceId: string) => void;
}) {
  const api = useApi();
  const [code, setCode] = useState<Code | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(1000, code !== null);
  const known = useRef(new Set(staff.devices.map((d) => d.id)));
  const current = useStaff().find((s) => s.id === staff.id);

  const create = useCallback(async () => {
    setError(null);
    const ack = await api.request('pairing:create', { staffId: staff.id });
    if (!ack.ok) {
      setError(refusalText(ack.error));
      return;
    }
    const svg = await qrSvg(ack.data.url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    setCode({ ...ack.data, svg });
  }, [api, staff.id]);

  useEffect(() => {
    void create();
  }, [create]);

  const paired = current?.devices.find((d) => !known.current.has(d.id));
  useEffect(() => {
    if (paired) onPaired(paired.id);
  }, [paired, onPaired]);

  const left = code ? code.expiresAt - now : 0;
  const unreachable = code && loopbackServer(code.url);
  const expired = code !== null && left <= 0;

  return (
    <Dialog
      title={`Pair a phone for ${staff.name}`}
      onClose={onClose}
      className="pair-dialog"
      error={error}
      close="Close"
      actions={
        <button type="button" className="btn" onClick={() => void create()}>
          New code
        </button>
      }
    >
      <p className="muted">
        On the iPhone, open the Switchboard app and scan this code, or type the code in the app.
      </p>
      <div className="pair-body">
        <div className={`pair-qr${expired ? ' pair-expired' : ''}`}>
          {code ? (
            // The SVG comes from the qrcode library, built from the server's pairing URL only.
            // biome-ignore lint/security/noDangerouslySetInnerHtml: generated markup, no user input.
            <div role="img" aria-label="QR code for pairing" dangerouslySetInnerHTML={{ __html: code.svg }} />
          ) : (
            <span className="muted">Creating a code…</span>
          )}
        </div>
        <div className="pair-side">
          <span className="muted">Pairing code</span>
          <output className="pair-code mono" aria-label="Pairing code" data-code={code?.code ?? ''}>
            {code ? grouped(code.code) : '…'}
          </output>
          <span
            role="timer"
            aria-label="Code expires in"
            className={`num ${expired ? 'field-error' : 'muted'}`}
          >
            {code ? (expired ? 'Expired: get a new code' : `Expires in ${formatClock(left)}`) : ''}
          </span>
          <span className="muted pair-waiting">
            {expired ? '' : 'Waiting for the phone… this closes by itself when it pairs.'}
          </span>
        </div>
      </div>
      {unreachable && (
        <p className="pair-note" role="note">
          This code sends the phone to {unreachable}: this computer itself, which an iPhone cannot reach. In
          the desktop app, turn on Settings → Server → Let phones on this network connect; start a team server
          with --public-url.
        </p>
      )}
    </Dialog>
  );
}
