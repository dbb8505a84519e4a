/**
 * One run of `task` at a time; a call that comes while one runs makes it go round once more.
 * `stop()` lets the run under way finish and starts no other.
 */
export function serialized(task: () => Promise<void>, onError: (err: unknown) => void) {
  let current: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  return {
    run(): void {
      if (stopped) return;
      if (current) {
        again = true;
        return;
      }
      current = (async () => {
        do {
          again = false;
          await task().catch(onError);
        } while (again && !stopped);
        current = null;
      })();
    },
    async stop(): Promise<void> {
      stopped = true;
      await current;
    },
  };
}
