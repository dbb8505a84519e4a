import { useEffect, useRef, useState } from 'react';
import { type Disposition, MAX_DISPOSITIONS } from '#shared';
import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { FormError } from '../../ui/Field';
import { useRequest } from '../../ui/useRequest';
import { listProblem } from './words';
import './wrapup.css';

interface Row {
  key: number;
  id?: string;
  name: string;
}

const rowsOf = (ds: Disposition[], next: () => number): Row[] =>
  ds.filter((d) => !d.archived).map((d) => ({ key: next(), id: d.id, name: d.name }));

/**
 * Team → Dispositions (admins): the list agents choose from after a call, in its order. A removed
 * one stays on the calls that have it; saving goes to every console at once.
 */
export function DispositionsEditor() {
  const api = useApi();
  const dispositions = useConsole((s) => s.dispositions);
  const counter = useRef(0);
  const nextKey = () => ++counter.current;
  const [rows, setRows] = useState<Row[]>(() => rowsOf(dispositions, nextKey));
  const [dirty, setDirty] = useState(false);
  const { busy, error, run, refuse } = useRequest();
  // Another admin's change (or the first load) shows here unless this one is mid-edit.
  // biome-ignore lint/correctness/useExhaustiveDependencies: nextKey only counts
  useEffect(() => {
    if (!dirty) setRows(rowsOf(dispositions, nextKey));
  }, [dispositions, dirty]);

  const edit = (next: Row[]) => {
    setRows(next);
    setDirty(true);
  };
  const move = (i: number, by: -1 | 1) => {
    const next = [...rows];
    const [row] = next.splice(i, 1);
    next.splice(i + by, 0, row!);
    edit(next);
  };
  const save = () => {
    const problem = listProblem(rows.map((r) => r.name));
    if (problem) return refuse(problem);
    void run(async () => {
      const list = rows.map((r) => ({ ...(r.id ? { id: r.id } : {}), name: r.name.trim() }));
      const ack = await api.request('dispositions:set', { dispositions: list });
      if (ack.ok) {
        consoleStore.getState().dispositionsLoaded(ack.data.dispositions);
        setDirty(false);
      }
      return ack;
    });
  };

  return (
    <section className="dispositions" aria-labelledby="dispositions-title">
      <h2 id="dispositions-title">Dispositions</h2>
      <p className="muted">
        What agents choose after a call, in this order. History filters by them and the CSV lists them; a
        removed one stays on the calls that have it.
      </p>
      <ol className="dispositions-list">
        {rows.map((row, i) => (
          <li key={row.key} className="dispositions-item">
            <input
              className="input"
              aria-label={`Disposition ${i + 1}`}
              value={row.name}
              maxLength={60}
              onChange={(e) =>
                edit(rows.map((r) => (r.key === row.key ? { ...r, name: e.target.value } : r)))
              }
            />
            <button
              type="button"
              className="btn btn-sm"
              aria-label={`Move ${row.name || `disposition ${i + 1}`} up`}
              disabled={i === 0}
              onClick={() => move(i, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="btn btn-sm"
              aria-label={`Move ${row.name || `disposition ${i + 1}`} down`}
              disabled={i === rows.length - 1}
              onClick={() => move(i, 1)}
            >
              ↓
            </button>
            <button
              type="button"
              className="btn btn-quiet btn-sm"
              aria-label={`Remove ${row.name || `disposition ${i + 1}`}`}
              onClick={() => edit(rows.filter((r) => r.key !== row.key))}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <div className="dispositions-actions">
        <button
          type="button"
          className="btn"
          disabled={rows.length >= MAX_DISPOSITIONS}
          onClick={() => edit([...rows, { key: nextKey(), name: '' }])}
        >
          Add disposition
        </button>
        <button type="button" className="btn btn-primary" disabled={!dirty || busy} onClick={save}>
          {busy ? 'Saving…' : 'Save dispositions'}
        </button>
        {dirty && (
          <button
            type="button"
            className="btn btn-quiet"
            onClick={() => {
              setDirty(false);
              setRows(rowsOf(dispositions, nextKey));
            }}
          >
            Undo changes
          </button>
        )}
      </div>
      <FormError>{error}</FormError>
    </section>
  );
}
