/**
 * The export needs the session's Bearer header, which a plain link cannot send: the CSV is
 * fetched, then handed to the browser as a Blob URL so it still lands as an ordinary download.
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked on the next task: Chromium starts the download from the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
