/**
 * The claims held by items of this worker. Two items of one run with the same key (copies of
 * a photo under two names) take turns: the next finds the first's task and collects it, free.
 * The wait and the claim are one step: with three or more copies, all waiters wake at one
 * release, and each checks again before claiming, so only one takes the turn.
 */
export class ClaimTurns {
  private readonly held = new Map<string, { released: Promise<void>; release: () => void }>();

  has(key: string): boolean {
    return this.held.has(key);
  }

  keys(): string[] {
    return [...this.held.keys()];
  }

  /** Waits until no item of this worker holds the key, then takes it (the last look and the take are one step). */
  async acquire(key: string): Promise<void> {
    for (let hold = this.held.get(key); hold; hold = this.held.get(key)) await hold.released;
    this.take(key);
  }

  take(key: string): void {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    this.held.set(key, { released, release });
  }

  giveBack(key: string): void {
    this.held.get(key)?.release();
    this.held.delete(key);
  }
}
