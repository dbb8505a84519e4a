import { formatAge } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { useConsole } from '../../store/hooks';
import './status.css';

/** A lost connection only becomes a banner after this long, so a blip does not flash one. */
const LOST_BANNER_AFTER_MS = 1_500;

/** Problems that affect every call: the server is away, cannot save, or cannot send VoIP pushes. */
export function Banners() {
  return (
    <div className="banners">
      <ConnectionBanner />
      <StorageBanner />
      <ApnsBanner />
    </div>
  );
}

function ConnectionBanner() {
  const { status, error, since } = useConsole((s) => s.connection);
  const away = status === 'reconnecting';
  const now = useNow(500, away);
  if (!away) return null;
  if (error?.startsWith('PROTOCOL_MISMATCH')) {
    // The server says which side is out of date; a web console gets the server's own build on reload.
    return (
      <div className="banner banner-bad" role="alert">
        <strong>This console and the server speak different protocol versions.</strong>{' '}
        <span>{error.replace(/^PROTOCOL_MISMATCH:\s*/, '')} </span>
        <button type="button" className="btn btn-sm" onClick={() => window.location.reload()}>
          Reload the console
        </button>
      </div>
    );
  }
  if (now - since < LOST_BANNER_AFTER_MS) return null;
  return (
    <div className="banner banner-bad" role="alert">
      <strong>The server cannot be reached.</strong>{' '}
      <span>
        Reconnecting by itself; nothing you typed is lost. Calls and the roster update when it is back.
      </span>
    </div>
  );
}

/** The server's writes fail (a full disk): calls cannot be stored, so it says so while it lasts. */
function StorageBanner() {
  const storage = useConsole((s) => s.storage);
  if (!storage || storage.ok) return null;
  return (
    <div className="banner banner-bad" role="alert" aria-label="Storage">
      <strong>The server cannot save: {storage.problem ?? 'the database refuses writes'}.</strong>{' '}
      <span>
        Calls and changes are not stored until an administrator frees space or fixes the database. This notice
        goes a minute after the last failed write.
      </span>
    </div>
  );
}

function ApnsBanner() {
  const apns = useConsole((s) => s.apns);
  const now = Date.now();
  if (!apns) return null;
  if (!apns.configured) {
    return (
      <div className="banner banner-warn" role="note" aria-label="Push notifications">
        <strong>VoIP pushes are not configured on this server.</strong>{' '}
        <span>
          Phones ring only while their app is open and connected. An administrator sets the APNs key (
          {['--apns-key', '--apns-key-id', '--apns-team-id', '--apns-bundle-id'].map((flag, i) => (
            <span key={flag}>
              {i > 0 && ', '}
              <code className="flag">{flag}</code>
            </span>
          ))}
          ) and restarts the server.
        </span>
      </div>
    );
  }
  if (apns.lastError) {
    return (
      <div className="banner banner-bad" role="note" aria-label="Push notifications">
        <strong>APNs refused the server's credentials ({apns.lastError.reason}).</strong>{' '}
        <span>
          Last seen {formatAge(now - apns.lastError.at)}. Phones that are not connected cannot ring until an
          administrator fixes the APNs key, key id, team id or bundle id.
        </span>
      </div>
    );
  }
  return null;
}
