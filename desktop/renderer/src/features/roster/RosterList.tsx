import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useNow } from '../../lib/useNow';
import { useConsole } from '../../store/hooks';
import { useNames } from '../../store/names';
import { useMayRequest } from '../signin';
import { RosterRow, type RowAction } from './RosterRow';
import { ROW_HEIGHT, type Row } from './rows';

/** How long a just-paired phone stays highlighted. */
const HIGHLIGHT_MS = 5_000;

/**
 * The roster as a virtual list (only the visible rows exist in the DOM, so 5,000 phones scroll as
 * smoothly as 5). One row at a time is in the tab order; arrows move between rows and Enter calls
 * the selected staff member or phone.
 */
export function RosterList({ rows, onAction }: { rows: Row[]; onAction: (a: RowAction) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const highlight = useConsole((s) => s.highlight);
  const inCall = useConsole((s) => Object.values(s.calls).some((c) => c.state !== 'ended'));
  const apnsConfigured = useConsole((s) => s.apns?.configured ?? true);
  // Agents see the roster and call; pairing, renaming, removing and unpairing are an admin's.
  const manage = useMayRequest('staff:update');
  const names = useNames();
  // Token ages and "last seen" change slowly: a 30 s tick keeps them honest without re-rendering often.
  const now = useNow(30_000);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => ROW_HEIGHT[rows[i]!.kind],
    getItemKey: (i) => rows[i]!.key,
    overscan: 8,
  });

  const activeIndex = Math.max(
    0,
    rows.findIndex((r) => r.key === activeKey),
  );

  const focusIndex = useCallback(
    (i: number) => {
      const row = rows[i];
      if (!row) return;
      setActiveKey(row.key);
      virtualizer.scrollToIndex(i, { align: 'auto' });
      // The row may only exist after the virtualizer renders it.
      requestAnimationFrame(() => {
        scrollRef.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(row.key)}"]`)?.focus();
      });
    },
    [rows, virtualizer],
  );

  const highlightKey =
    highlight && Date.now() - highlight.at < HIGHLIGHT_MS ? `d:${highlight.deviceId}` : null;
  useEffect(() => {
    if (!highlightKey) return;
    const i = rows.findIndex((r) => r.key === highlightKey);
    if (i >= 0) {
      setActiveKey(highlightKey);
      virtualizer.scrollToIndex(i, { align: 'center' });
    }
  }, [highlightKey, rows, virtualizer]);
  const [, rerender] = useState(0);
  useEffect(() => {
    if (!highlightKey) return;
    const id = setTimeout(() => rerender((n) => n + 1), HIGHLIGHT_MS);
    return () => clearTimeout(id);
  }, [highlightKey]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const onRow = (e.target as HTMLElement).tagName === 'LI';
    if (e.key === 'ArrowDown') focusIndex(Math.min(rows.length - 1, activeIndex + 1));
    else if (e.key === 'ArrowUp') focusIndex(Math.max(0, activeIndex - 1));
    else if (e.key === 'Home' && onRow) focusIndex(0);
    else if (e.key === 'End' && onRow) focusIndex(rows.length - 1);
    else if (e.key === 'Enter' && onRow) {
      const row = rows[activeIndex];
      if (row?.kind === 'device') onAction({ type: 'call', target: { deviceId: row.device.id } });
      else if (row && row.staff.devices.length > 0)
        onAction({ type: 'call', target: { staffId: row.staff.id } });
    } else return;
    e.preventDefault();
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move between the list's rows.
    <div
      ref={scrollRef}
      className="roster-scroll"
      onKeyDown={onKeyDown}
      onFocus={(e) => {
        const key = (e.target as HTMLElement).closest<HTMLElement>('[data-key]')?.dataset.key;
        if (key) setActiveKey(key);
      }}
    >
      <ul
        aria-label="Staff and phones"
        className="roster-list"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          return (
            <RosterRow
              key={item.key}
              row={row}
              top={item.start}
              height={item.size}
              now={now}
              active={item.index === activeIndex}
              highlighted={row.key === highlightKey}
              inCall={inCall}
              apnsConfigured={apnsConfigured}
              manage={manage}
              fallbackName={
                row.kind === 'staff' && row.staff.fallbackStaffId
                  ? (names.staff(row.staff.fallbackStaffId)?.name ?? null)
                  : null
              }
              onAction={onAction}
            />
          );
        })}
      </ul>
    </div>
  );
}
