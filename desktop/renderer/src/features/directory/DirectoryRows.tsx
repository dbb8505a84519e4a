import { useVirtualizer } from '@tanstack/react-virtual';
import { type Ref, useImperativeHandle, useRef } from 'react';
import type { DraftRow, RowProblems } from './model';

export interface RowsHandle {
  /** Scrolls the row into view (it may not be rendered yet) and puts the caret in its number. */
  focusNumber(key: string): void;
}

interface Props {
  rows: readonly DraftRow[];
  problems: ReadonlyMap<string, RowProblems>;
  /** Number problems on rows not touched yet stay quiet until a save is attempted. */
  showAll: boolean;
  touched: ReadonlySet<string>;
  onEdit(key: string, patch: Partial<DraftRow>): void;
  onTouch(key: string): void;
  onRemove(key: string): void;
  ref: Ref<RowsHandle>;
}

const ROW_HEIGHT = 40;

/**
 * The rows, virtualized: a 10,000-number directory (the protocol's limit) stays as quick to edit
 * as a ten-number one. Row heights are measured because a message under a field makes a row taller.
 */
export function DirectoryRows({ rows, problems, showAll, touched, onEdit, onTouch, onRemove, ref }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => rows[i]!.key,
  });

  useImperativeHandle(ref, () => ({
    focusNumber(key) {
      const index = rows.findIndex((r) => r.key === key);
      if (index < 0) return;
      virtualizer.scrollToIndex(index, { align: 'auto' });
      // The row renders on the next frame after scrolling; focus it then.
      const tryFocus = (attempt: number) => {
        const input = document.getElementById(`dir-${key}-number`);
        if (input) input.focus();
        else if (attempt < 5) requestAnimationFrame(() => tryFocus(attempt + 1));
      };
      requestAnimationFrame(() => tryFocus(0));
    },
  }));

  return (
    <div className="dir-scroll" ref={scroller}>
      <div className="dir-rows" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const p = problems.get(row.key);
          const numberError =
            p?.number && (showAll || touched.has(row.key) || row.number !== '') ? p.number : null;
          const labelError = p?.label ?? null;
          const n = item.index + 1;
          return (
            // biome-ignore lint/a11y/useSemanticElements: a fieldset's legend cannot sit in a grid row
            <div
              key={item.key}
              role="group"
              aria-label={`Row ${n}`}
              className="dir-row"
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <span className="dir-index" aria-hidden="true">
                {n}
              </span>
              <div className="dir-cell">
                <input
                  id={`dir-${row.key}-number`}
                  className="input dir-number"
                  value={row.number}
                  inputMode="tel"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="+15551234567"
                  aria-label={`Number, row ${n}`}
                  aria-invalid={numberError !== null}
                  aria-describedby={numberError ? `dir-${row.key}-number-error` : undefined}
                  onChange={(e) => onEdit(row.key, { number: e.target.value })}
                  onBlur={() => onTouch(row.key)}
                />
                {numberError && (
                  <span id={`dir-${row.key}-number-error`} className="field-error">
                    {numberError}
                  </span>
                )}
              </div>
              <div className="dir-cell">
                <input
                  id={`dir-${row.key}-label`}
                  className="input"
                  value={row.label}
                  autoComplete="off"
                  placeholder="Label shown on the phone"
                  aria-label={`Label, row ${n}`}
                  aria-invalid={labelError !== null}
                  aria-describedby={labelError ? `dir-${row.key}-label-error` : undefined}
                  onChange={(e) => onEdit(row.key, { label: e.target.value })}
                />
                {labelError && (
                  <span id={`dir-${row.key}-label-error`} className="field-error">
                    {labelError}
                  </span>
                )}
              </div>
              <label className="dir-blocked">
                <input
                  type="checkbox"
                  checked={row.blocked}
                  onChange={(e) => onEdit(row.key, { blocked: e.target.checked })}
                  aria-label={`Blocked, row ${n}`}
                />
                <span aria-hidden="true">{row.blocked ? 'Blocked' : 'Allowed'}</span>
              </label>
              <button
                type="button"
                className="btn btn-quiet btn-sm"
                aria-label={`Remove row ${n}${row.number ? ` (${row.number})` : ''}`}
                onClick={() => onRemove(row.key)}
              >
                Remove
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}
