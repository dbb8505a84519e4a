import { useMemo, useRef, useState } from 'react';
import { useApi } from '../../api/context';
import { useOnShown } from '../../lib/useOnShown';
import { useConsole } from '../../store/hooks';
import { TableMessage } from '../../ui/Table';
import { DirectoryRows, type RowsHandle } from './DirectoryRows';
import { ImportCsvButton, type ImportReport, ImportReportView } from './ImportCsv';
import { type DraftRow, findProblems, isBlank, mergeImport } from './model';
import { newKey, type SaveState, useDirectory } from './useDirectory';
import './directory.css';

/**
 * Caller ID and blocking for every paired phone: the numbers, their labels and a blocked flag,
 * checked as they are typed and saved as one list with `PUT /api/directory`.
 */
export function DirectoryScreen() {
  const api = useApi();
  const agentId = useConsole((s) => s.session?.agentId ?? '');
  const dir = useDirectory(api, agentId);
  const { rows, setRows } = dir;
  const list = useRef<RowsHandle>(null);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const problems = useMemo(() => findProblems(rows), [rows]);
  const root = useRef<HTMLElement>(null);
  // Another agent may have saved since; an untouched draft follows, edits in progress stay.
  useOnShown(root, () => void dir.reload());

  const edit = (key: string, patch: Partial<DraftRow>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const addRow = () => {
    const row: DraftRow = { key: newKey(), number: '', label: '', blocked: false };
    setRows((rs) => [...rs, row]);
    requestAnimationFrame(() => list.current?.focusNumber(row.key));
  };
  const save = async () => {
    const firstBad = await dir.saveAll();
    if (firstBad) {
      setShowAll(true);
      list.current?.focusNumber(firstBad.key);
    }
  };

  const count = rows.filter((r) => !isBlank(r)).length;
  const blocked = rows.filter((r) => !isBlank(r) && r.blocked).length;
  const canSave = dir.saved !== null && dir.save.kind !== 'saving';

  return (
    <section className="dir" ref={root} aria-labelledby="dir-title">
      <header className="dir-head">
        <div className="dir-title">
          <h1 id="dir-title">Directory</h1>
          <VersionBadge version={dir.saved?.version ?? null} dirty={dir.dirty} />
        </div>
        <div className="dir-actions">
          <ImportCsvButton
            onParsed={(fileName, parsed) => {
              const merged = mergeImport(rows, parsed.entries, newKey);
              setRows(merged.rows);
              setReport({
                fileName,
                added: merged.added,
                updated: merged.updated,
                problems: parsed.problems,
              });
            }}
            onRefused={(refused) => setReport({ fileName: '', added: 0, updated: 0, problems: [], refused })}
          />
          <button type="button" className="btn" onClick={addRow}>
            Add number
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={!canSave}>
            {dir.save.kind === 'saving' ? 'Saving…' : 'Save'}
          </button>
        </div>
      </header>
      <p className="dir-lede">
        Caller ID and blocking on every paired phone: a call from one of these numbers shows its label, and a
        blocked number never rings. Numbers are E.164 (+, country code, number). Import a CSV of
        <code> number,label,blocked</code> to add many at once.
      </p>
      <SaveMessage save={dir.save} dirty={dir.dirty} onDiscard={() => void dir.discardChanges()} />
      {dir.loadError && (
        <div className="dir-banner" role="alert">
          <span>
            Could not load the saved directory: {dir.loadError}. Saving is off until it loads, so nothing on
            the server is replaced unseen; what you type here is kept.
          </span>
          <button type="button" className="btn btn-sm" onClick={() => void dir.reload()}>
            Try again
          </button>
        </div>
      )}
      {report && <ImportReportView report={report} onDismiss={() => setReport(null)} />}
      <div className={rows.length === 0 ? 'dir-table is-empty' : 'dir-table'}>
        <div className="dir-colheads" aria-hidden="true">
          <span />
          <span>Number</span>
          <span>Label</span>
          <span>Blocked</span>
          <span />
        </div>
        {rows.length === 0 ? (
          <TableMessage>
            {dir.saved === null && !dir.loadError
              ? 'Loading the directory…'
              : 'No numbers yet. Add a number, or import a CSV file, then save.'}
          </TableMessage>
        ) : (
          <DirectoryRows
            ref={list}
            rows={rows}
            problems={problems}
            showAll={showAll}
            touched={touched}
            onEdit={edit}
            onTouch={(key) => setTouched((t) => (t.has(key) ? t : new Set(t).add(key)))}
            onRemove={(key) => setRows((rs) => rs.filter((r) => r.key !== key))}
          />
        )}
        <p className="dir-count">
          {count} {count === 1 ? 'number' : 'numbers'}, {blocked} blocked
          {problems.size > 0 &&
            ` · ${problems.size} ${problems.size === 1 ? 'row needs' : 'rows need'} fixing`}
        </p>
      </div>
    </section>
  );
}

function VersionBadge({ version, dirty }: { version: number | null; dirty: boolean }) {
  if (version === null) return null;
  return (
    <>
      <span className="badge badge-neutral">{version === 0 ? 'Never saved' : `Version ${version}`}</span>
      {dirty && <span className="badge badge-warn">Unsaved changes</span>}
    </>
  );
}

function SaveMessage({ save, dirty, onDiscard }: { save: SaveState; dirty: boolean; onDiscard: () => void }) {
  switch (save.kind) {
    case 'saved':
      return (
        <p className="dir-msg is-ok" role="status">
          {dirty
            ? `Saved as version ${save.version}; you have changed it since.`
            : `Saved as version ${save.version}. Connected phones are told to fetch it.`}
        </p>
      );
    case 'invalid':
      return (
        <p className="dir-msg is-error" role="alert">
          Not saved: {save.count} {save.count === 1 ? 'row needs' : 'rows need'} fixing first (marked below).
        </p>
      );
    case 'failed':
      return (
        <p className="dir-msg is-error" role="alert">
          Not saved: {save.message}. Your changes are still here.
        </p>
      );
    case 'conflict':
      return (
        <div className="dir-banner" role="alert">
          <span>Not saved: {save.message}. Your changes are still here until you load the saved list.</span>
          <button type="button" className="btn btn-sm" onClick={onDiscard}>
            Load the saved list
          </button>
        </div>
      );
    default:
      return <p className="dir-msg" role="status" />;
  }
}
