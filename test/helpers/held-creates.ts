/**
 * Create answers the emulator holds back (its `beforeCreateAnswer` hook) until the test lets
 * them go: the tasks exist on the server, and the run is left waiting for their ids. A test
 * interrupts at that moment, which a loaded machine cannot move: no task can be read, let alone
 * finish, before the test says so.
 */
export function heldCreates(count: number): { readonly hook: () => Promise<void>; readonly allHeld: Promise<void>; release(): void } {
  const held: (() => void)[] = [];
  let allHeld!: () => void;
  const reached = new Promise<void>((resolve) => (allHeld = resolve));
  let holding = true;
  return {
    hook: () =>
      holding
        ? new Promise<void>((answer) => {
            held.push(answer);
            if (held.length === count) allHeld();
          })
        : Promise.resolve(),
    allHeld: reached,
    release: () => {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
  };
}
