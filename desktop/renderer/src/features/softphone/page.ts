import type { ConsoleHello } from '#shared';
import { browserLabel } from './label';

/**
 * This page, as the server's softphone choice knows it (shared/src/softphone.ts): a new id at
 * every load, and the id of the page this tab showed before a reload, so that the reloaded page
 * is the softphone again even when the server has not yet seen the old page's socket close.
 *
 * The old id is written to sessionStorage only as the page goes (`pagehide`) and read once here:
 * a tab duplicated while this page lives copies sessionStorage without it, so the copy is a page
 * of its own rather than a claim on this one's softphone.
 */
const PREVIOUS_KEY = 'switchboard.softphone.previousPage';

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function takePrevious(): string | undefined {
  try {
    const previous = sessionStorage.getItem(PREVIOUS_KEY) ?? undefined;
    sessionStorage.removeItem(PREVIOUS_KEY);
    return previous && /^[A-Za-z0-9_-]{8,64}$/.test(previous) ? previous : undefined;
  } catch {
    return undefined;
  }
}

function makePage(): ConsoleHello {
  const previousId = takePrevious();
  const id = randomId();
  addEventListener('pagehide', () => {
    try {
      sessionStorage.setItem(PREVIOUS_KEY, id);
    } catch {
      // Storage refused: the reloaded page is a new one, and the server hands the softphone on.
    }
  });
  return {
    id,
    ...(previousId ? { previousId } : {}),
    // window.api is the desktop app's preload (features/desktop/bridge.ts); not imported from
    // there, since the desktop feature reads this page's id and this runs as the module loads.
    label: window.api ? 'Desktop app' : browserLabel(navigator.userAgent),
  };
}

export const thisPage: ConsoleHello = makePage();
