import { useState } from 'react';
import { useApi } from '../../api/context';
import { readError } from '../../api/http';
import { saveBlob } from '../../lib/download';
import { csvFileName, csvPath, type HistoryFilters, type HistoryQuery } from './filters';

export function ExportButton({ filters, query }: { filters: HistoryFilters; query: HistoryQuery | null }) {
  const api = useApi();
  const [state, setState] = useState<{ busy: boolean; message: string | null; failed: boolean }>({
    busy: false,
    message: null,
    failed: false,
  });

  const exportCsv = async () => {
    if (query === null) return;
    setState({ busy: true, message: 'Preparing the CSV…', failed: false });
    try {
      const res = await api.fetch(csvPath(query));
      if (!res.ok) {
        const error = await readError(res);
        setState({ busy: false, message: `Export failed: ${error.message}`, failed: true });
        return;
      }
      const blob = await res.blob();
      const name = csvFileName(filters);
      saveBlob(blob, name);
      setState({ busy: false, message: `Downloaded ${name}`, failed: false });
    } catch {
      setState({ busy: false, message: 'Export failed: the server cannot be reached', failed: true });
    }
  };

  return (
    <>
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => void exportCsv()}
        disabled={state.busy || query === null}
      >
        Export CSV
      </button>
      <span
        className={state.failed ? 'hist-export-msg is-error' : 'hist-export-msg'}
        role={state.failed ? 'alert' : 'status'}
      >
        {state.message}
      </span>
    </>
  );
}
