import type { ComponentProps, Key, ReactNode } from 'react';
import './table.css';

export interface Column<T> {
  key: string;
  /** A column without a visible heading (the row's buttons) still names itself to screen readers. */
  header: ReactNode;
  hiddenHeader?: boolean;
  cell: (row: T) => ReactNode;
  /** The cell that names the row: a row header, so a screen reader says whose row it is. */
  rowHeader?: boolean;
  className?: string;
}

type RowProps = ComponentProps<'tr'> & Record<`data-${string}`, string>;

/**
 * A dense table in a scrolling frame with a sticky heading. With no rows it says why instead:
 * still loading, or the empty state the screen gives. While a new answer loads over old rows,
 * they stay and dim (`aria-busy`).
 */
export function Table<T>({
  caption,
  columns,
  rows,
  rowKey,
  rowProps,
  loading = false,
  loadingText = 'Loading…',
  empty,
  footer,
  className,
}: {
  /** Read by screen readers only: what the table lists. */
  caption: string;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => Key;
  rowProps?: (row: T) => RowProps;
  loading?: boolean;
  loadingText?: string;
  /** What an empty table says; nothing when the screen says it elsewhere (an error, with a retry). */
  empty?: ReactNode;
  /** Under the rows, inside the frame: a count, "Load more". */
  footer?: ReactNode;
  className?: string;
}) {
  return (
    <div className={className ? `table-frame ${className}` : 'table-frame'}>
      {rows.length > 0 ? (
        <table className="table" aria-busy={loading}>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.hiddenHeader ? <span className="visually-hidden">{c.header}</span> : c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)} {...rowProps?.(row)}>
                {columns.map((c) =>
                  c.rowHeader ? (
                    <th key={c.key} scope="row" className={c.className}>
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td key={c.key} className={c.className}>
                      {c.cell(row)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <TableMessage>{loading ? loadingText : empty}</TableMessage>
      )}
      {footer}
    </div>
  );
}

/** What a table (or a list laid out as one) says in place of rows. */
export function TableMessage({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="table-message" role="status">
      {children}
    </p>
  );
}
