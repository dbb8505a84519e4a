import { useRef, useState } from 'react';
import type { AuditSubject } from '#shared';
import { useApi } from '../../api/context';
import { readError } from '../../api/http';
import { saveBlob } from '../../lib/download';
import { formatWhen } from '../../lib/time';
import { useOnShown } from '../../lib/useOnShown';
import { useAudit } from './useAudit';
import { AUDIT_SUBJECTS, auditSentence } from './words';

/** Who changed the team, staff, phones and directory, and when; exported as CSV with the same filter. */
export function AuditView() {
  const api = useApi();
  const [subject, setSubject] = useState<AuditSubject | ''>('');
  const audit = useAudit(api, subject);
  const [exportMessage, setExportMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const root = useRef<HTMLDivElement>(null);
  // Shown again (its tab, or the Team screen): what other admins did meanwhile is there.
  useOnShown(root, audit.reload);

  const exportCsv = async () => {
    const name = `switchboard-audit${subject ? `-${subject}` : ''}.csv`;
    try {
      const res = await api.fetch(`/api/audit.csv${subject ? `?subject=${subject}` : ''}`);
      if (!res.ok) {
        setExportMessage({ text: `Export failed: ${(await readError(res)).message}`, failed: true });
        return;
      }
      saveBlob(await res.blob(), name);
      setExportMessage({ text: `Downloaded ${name}`, failed: false });
    } catch {
      setExportMessage({ text: 'Export failed: the server cannot be reached', failed: true });
    }
  };

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
        <span className={exportMessage?.failed ? 'audit-msg is-error' : 'audit-msg'} role="status">
          {exportMessage?.text}
        </span>
        <button type="button" className="btn" onClick={audit.reload}>
          Refresh
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      {audit.error && (
        <p className="form-error" role="alert">
          {audit.error}
        </p>
      )}
      {audit.entries.length === 0 && audit.status === 'idle' ? (
        <p className="team-empty muted">
          Nothing here yet. Changes to the team, staff, phones and directory appear here.
        </p>
      ) : (
        <div className="team-table-wrap">
          <table className="team-table" aria-busy={audit.status === 'loading'}>
            <caption className="visually-hidden">Audit trail, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {audit.entries.map((e) => (
                <tr key={e.id}>
                  <td className="num nowrap">
                    <time dateTime={new Date(e.at).toISOString()}>{formatWhen(e.at)}</time>
                  </td>
                  <td>{e.actorId === null ? <span className="muted">{e.actorName}</span> : e.actorName}</td>
                  <td>{auditSentence(e)}</td>
                  <td className="muted">{e.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
