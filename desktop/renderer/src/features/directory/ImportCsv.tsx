import { useId, useRef } from 'react';
import { type CsvImport, type CsvProblem, parseDirectoryCsv } from './csv';

export interface ImportReport {
  fileName: string;
  added: number;
  updated: number;
  problems: CsvProblem[];
  /** Set when the file was not read at all (too large). */
  refused?: string;
}

/** 10,000 entries of a few dozen bytes each; anything far larger is not a directory export. */
const MAX_BYTES = 2 * 1024 * 1024;

/**
 * "Import CSV…": a real file input (keyboard and screen-reader friendly), styled as a button.
 * Parsing happens here; merging into the rows is the screen's job.
 */
export function ImportCsvButton({
  onParsed,
  onRefused,
}: {
  onParsed(fileName: string, parsed: CsvImport): void;
  onRefused(message: string): void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        id={id}
        type="file"
        accept=".csv,text/csv,text/plain"
        className="visually-hidden"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          // Cleared so choosing the same file again (after fixing it) fires another change.
          e.target.value = '';
          if (!file) return;
          if (file.size > MAX_BYTES) {
            onRefused(
              `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a directory CSV is at most 2 MB`,
            );
            return;
          }
          onParsed(file.name, parseDirectoryCsv(await file.text()));
        }}
      />
      <label htmlFor={id} className="btn dir-import-label">
        Import CSV…
      </label>
    </>
  );
}

export function ImportReportView({ report, onDismiss }: { report: ImportReport; onDismiss(): void }) {
  const { fileName, added, updated, problems, refused } = report;
  if (refused) {
    return (
      <section className="dir-report has-problems" aria-label="Import result">
        <div className="dir-report-head">
          <p role="alert">Not imported: {refused}.</p>
          <button type="button" className="btn btn-quiet btn-sm" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      </section>
    );
  }
  const summary = `${fileName}: ${added} added, ${updated} updated${
    problems.length ? `, ${problems.length} ${problems.length === 1 ? 'line' : 'lines'} skipped` : ''
  }.`;
  return (
    <section
      className={problems.length ? 'dir-report has-problems' : 'dir-report'}
      aria-label="Import result"
    >
      <div className="dir-report-head">
        <p role="status">
          {summary}
          {added + updated > 0 && ' Review the rows, then save.'}
        </p>
        <button type="button" className="btn btn-quiet btn-sm" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      {problems.length > 0 && (
        <ul className="dir-report-lines">
          {problems.map((p) => (
            <li key={`${p.line}:${p.message}`}>
              <span className="dir-report-line">Line {p.line}</span> {p.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
