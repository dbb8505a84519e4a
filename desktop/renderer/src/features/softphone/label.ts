/** "Chrome on macOS", "Firefox on Windows": enough for the agent to tell their windows apart. */
export function browserLabel(userAgent: string): string {
  const browser =
    [
      ['Edg/', 'Edge'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'],
    ].find(([token]) => userAgent.includes(token!))?.[1] ?? 'Browser';
  const os =
    [
      ['Windows', 'Windows'],
      ['Mac OS X', 'macOS'],
      ['Android', 'Android'],
      ['Linux', 'Linux'],
    ].find(([token]) => userAgent.includes(token!))?.[1] ?? null;
  return os ? `${browser} on ${os}` : browser;
}
