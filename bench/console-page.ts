/**
 * What `bench:console` runs inside the console's page, installed before the app's own scripts.
 * Kept as plain JavaScript source (the benchmark's tsconfig has no DOM types) and deliberately
 * small: every observer it adds costs time in the very frames it measures.
 *
 * Times are `performance.now()` in the page. The snapshot time is taken by a WebSocket listener
 * registered before Socket.IO's own, so it marks the frame's arrival, before the JSON is parsed.
 * "Committed" is when React's DOM update shows the expected rows (a MutationObserver callback);
 * "painted" is after the next animation frame, i.e. what the agent sees.
 */

/** An expected state of the roster list, computed in Node from the same roster and search code. */
export interface ListExpectation {
  /** Every `data-key` the list may render (rows outside the viewport are simply not rendered). */
  keys: string[];
  /** The row that must be rendered first. */
  firstKey: string;
  /** The virtual list's total height in px, which only the complete filtered list has. */
  height: number;
}

export interface PageBench {
  snapshotAt: number | null;
  /** The last snapshot frame, kept (by reference, not copied) to time its parse after the run. */
  snapshotFrame: string | null;
  rowsAt: number | null;
  rowsPaintAt: number | null;
  /** Set by `arm`, filled by the next keystroke in the search box. */
  filter: { keyAt: number | null; committedAt: number | null; paintedAt: number | null } | null;
  matches(e: ListExpectation): boolean;
  arm(e: ListExpectation): boolean;
  /** Size of the last snapshot frame and the time to JSON.parse it, measured outside any timing. */
  parseSnapshot(): { bytes: number; parseMs: number };
}

/** The roster's virtual list (RosterList.tsx), by its accessible name. */
export const LIST_SELECTOR = '[aria-label="Staff and phones"]';
export const SEARCH_LABEL = 'Search staff by name or number';

export const PAGE_SCRIPT = `(() => {
  const LIST = ${JSON.stringify(LIST_SELECTOR)};
  const b = (window.__bench = { snapshotAt: null, rowsAt: null, rowsPaintAt: null, filter: null });
  const afterPaint = (cb) =>
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => cb(performance.now());
      ch.port2.postMessage(0);
    });

  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string' && e.data.startsWith('42/agent,["roster:snapshot"')) {
          b.snapshotAt = performance.now();
          b.snapshotFrame = e.data;
          b.rowsAt = null;
          b.rowsPaintAt = null;
          watch(() => document.querySelector(LIST + ' [data-key]') !== null, (t) => {
            b.rowsAt = t;
            afterPaint((p) => (b.rowsPaintAt = p));
          });
        }
      });
    }
  };

  function watch(done, onDone) {
    if (done()) return onDone(performance.now());
    const mo = new MutationObserver(() => {
      if (!done()) return;
      mo.disconnect();
      onDone(performance.now());
    });
    mo.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['style'] });
  }

  b.matches = (e) => {
    const list = document.querySelector(LIST);
    if (!list || list.style.height !== e.height + 'px') return false;
    const rendered = list.querySelectorAll('[data-key]');
    if (rendered.length === 0) return false;
    const allowed = new Set(e.keys);
    let first = false;
    for (const el of rendered) {
      const key = el.getAttribute('data-key');
      if (!allowed.has(key)) return false;
      if (key === e.firstKey) first = true;
    }
    return first;
  };

  b.parseSnapshot = () => {
    const frame = b.snapshotFrame;
    const t0 = performance.now();
    JSON.parse(frame.slice(frame.indexOf('[')));
    return { bytes: frame.length, parseMs: performance.now() - t0 };
  };

  b.arm = (e) => {
    if (b.matches(e)) return false;
    const f = (b.filter = { keyAt: null, committedAt: null, paintedAt: null });
    const input = document.activeElement;
    input.addEventListener('keydown', (ev) => (f.keyAt = ev.timeStamp), { once: true, capture: true });
    watch(() => b.matches(e), (t) => {
      f.committedAt = t;
      afterPaint((p) => (f.paintedAt = p));
    });
    return true;
  };
})();`;
