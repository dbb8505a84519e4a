/**
 * Work under way that shutdown and tests wait for (`drain`): each piece settles without throwing
 * at whoever set it off, its failure handed to `onError` (logged) and its value then null.
 */
export class InFlight {
  private readonly tasks = new Set<Promise<unknown>>();

  constructor(private readonly onError: (err: unknown) => void) {}

  track<T>(task: Promise<T>): Promise<T | null> {
    const settled = task.catch((err: unknown) => {
      this.onError(err);
      return null;
    });
    this.tasks.add(settled);
    void settled.finally(() => this.tasks.delete(settled));
    return settled;
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Resolves once everything tracked so far, and whatever it set off, has settled. */
  async drain(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }
}
