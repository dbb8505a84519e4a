import { useRef, useState } from 'react';
import type { AuditEntry, AuditSubject } from '#shared';
import { useApi } from '../../api/context';
import { formatWhen } from '../../lib/time';
import { useOnShown } from '../../lib/useOnShown';
import { ExportCsv } from '../../ui/ExportCsv';
import { FormError } from '../../ui/Field';
import { type Column, Table } from '../../ui/Table';
import { useAudit } from './useAudit';
import { AUDIT_SUBJECTS, auditSentence } from './words';

const COLUMNS: Column<AuditEntry>[] = [
  {
    key: 'when',
    header: 'When',
    className: 'num nowrap',
    cell: (e) => <time dateTime={new Date(e.at).toISOString()}>{formatWhen(e.at)}</time>,
  },
  {
    key: 'who',
    header: 'Who',
    // The command line, not a person: greyed.
    cell: (e) => (e.actorId === null ? <span className="muted">{e.actorName}</span> : e.actorName),
  },
  { key: 'what', header: 'What', cell: auditSentence },
  { key: 'details', header: 'Details', className: 'muted', cell: (e) => e.detail },
];

/** Who changed the team, staff, phones and directory, and when; exported as CSV with the same filter. */
export function AuditView() {
  const api = useApi();
  const [subject, setSubject] = useState<AuditSubject | ''>('');
  const audit = useAudit(api, subject);
  const root = useRef<HTMLDivElement>(null);
  // Shown again (its tab, or the Team screen): what other admins did meanwhile is there.
  useOnShown(root, audit.reload);

  return (
    <div className="audit" ref={root}>
      <div className="audit-bar">
        <label className="audit-filter">
          <span>Show</span>
          <select
            className="input"
            value={subject}
            onChange={(e) => setSubject(e.target.value as AuditSubject | '')}
          >
            {AUDIT_SUBJECTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" onClick={audit.reload}>
          Refresh
        </button>
        <ExportCsv
          route="GET /api/audit.csv"
          args={{ query: subject ? { subject } : {} }}
          fileName={`switchboard-audit${subject ? `-${subject}` : ''}.csv`}
        />
      </div>
      <FormError>{audit.error}</FormError>
      <Table
        caption="Audit trail, newest first"
        columns={COLUMNS}
        rows={audit.entries}
        rowKey={(e) => e.id}
        loading={audit.status === 'loading'}
        loadingText="Loading the audit trail…"
        empty={
          audit.status === 'idle' &&
          'Nothing here yet. Changes to the team, staff, phones and directory appear here.'
        }
      />
      {audit.nextCursor && (
        <button
          type="button"
          className="btn audit-more"
          disabled={audit.status === 'loading'}
          onClick={audit.more}
        >
          Show older changes
        </button>
      )}
    </div>
  );
}
