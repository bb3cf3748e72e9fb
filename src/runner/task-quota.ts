/**
 * --max-tasks at create time: the plan counted what the run would create, but it can be out of
 * date (another run held a claim while it looked, then let go). Every create takes a place
 * here first; a create that proved nothing was created gives its place back.
 */
export class TaskQuota {
  private taken = 0;

  constructor(readonly limit: number) {}

  /** False once `limit` creates have been started: the item is then not started. */
  take(): boolean {
    if (this.taken >= this.limit) return false;
    this.taken++;
    return true;
  }

  giveBack(): void {
    this.taken = Math.max(0, this.taken - 1);
  }
}
