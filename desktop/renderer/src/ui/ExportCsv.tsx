import { useState } from 'react';
import type { CsvRouteName, HttpArgs } from '#shared';
import { useApi } from '../api/context';
import { saveBlob } from '../lib/download';
import './table.css';

/**
 * "Export CSV" for a list the session may read (`route` of the HTTP contract with `args`; null
 * while the list's filters are not valid), saved as `fileName`, and how it went in words beside
 * the button.
 */
export function ExportCsv<K extends CsvRouteName>({
  route,
  args,
  fileName,
}: {
  route: K;
  args: HttpArgs<K> | null;
  fileName: string;
}) {
  const api = useApi();
  const [outcome, setOutcome] = useState<{ busy: boolean; text: string | null; failed: boolean }>({
    busy: false,
    text: null,
    failed: false,
  });

  const run = async () => {
    if (args === null) return;
    setOutcome({ busy: true, text: 'Preparing the CSV…', failed: false });
    const res = await api.http(route, args);
    if (!res.ok) {
      setOutcome({ busy: false, text: `Export failed: ${res.error.message}`, failed: true });
      return;
    }
    saveBlob(res.data, fileName);
    setOutcome({ busy: false, text: `Downloaded ${fileName}`, failed: false });
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
        disabled={outcome.busy || args === null}
      >
        Export CSV
      </button>
    </>
  );
}
