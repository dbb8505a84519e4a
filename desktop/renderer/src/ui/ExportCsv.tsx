import { useState } from 'react';
import { useApi } from '../api/context';
import { readError } from '../api/http';
import { saveBlob } from '../lib/download';
import './table.css';

/**
 * "Export CSV" for a list the session may read (`path` on the server; null while the list's
 * filters are not valid), saved as `fileName`, and how it went in words beside the button.
 */
export function ExportCsv({ path, fileName }: { path: string | null; fileName: string }) {
  const api = useApi();
  const [outcome, setOutcome] = useState<{ busy: boolean; text: string | null; failed: boolean }>({
    busy: false,
    text: null,
    failed: false,
  });

  const run = async () => {
    if (path === null) return;
    setOutcome({ busy: true, text: 'Preparing the CSV…', failed: false });
    try {
      const res = await api.fetch(path);
      if (!res.ok) {
        const error = await readError(res);
        setOutcome({ busy: false, text: `Export failed: ${error.message}`, failed: true });
        return;
      }
      saveBlob(await res.blob(), fileName);
      setOutcome({ busy: false, text: `Downloaded ${fileName}`, failed: false });
    } catch {
      setOutcome({ busy: false, text: 'Export failed: the server cannot be reached', failed: true });
    }
  };

  return (
    <>
      <span
        className={outcome.failed ? 'export-msg is-error' : 'export-msg'}
        role={outcome.failed ? 'alert' : 'status'}
      >
        {outcome.text}
      </span>
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => void run()}
        disabled={outcome.busy || path === null}
      >
        Export CSV
      </button>
    </>
  );
}
