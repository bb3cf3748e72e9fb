import { dirname } from 'node:path';

/** What decides whether --open may show a window: the streams, the environment, the platform. */
export interface DesktopFacts {
  readonly stdoutIsTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
}

/** Null: a window may open. Otherwise why not, in a few words (said once, dimmed). */
export function whyNotOpen({ stdoutIsTTY, env, platform }: DesktopFacts): string | null {
  // A pipe or a redirect means another program reads the output: nobody is there to look.
  if (!stdoutIsTTY) return 'the output is not a terminal';
  if (isSet(env.CI)) return 'running under CI';
  // On macOS and Windows a logged-in terminal always has a desktop; elsewhere (Linux, BSD,
  // an SSH session) only a display server's variable says that a window can be shown.
  if (platform !== 'darwin' && platform !== 'win32' && !isSet(env.DISPLAY) && !isSet(env.WAYLAND_DISPLAY)) {
    return 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  }
  return null;
}

/** CI=false and CI=0 are how people say "not CI" explicitly; any other value means CI. */
function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Opens a path in the system viewer; the `open` package in a real run, a recorder in tests. */
export type Opener = (path: string) => Promise<void>;

const systemOpener: Opener = async (path) => {
  const { default: open } = await import('open');
  // Not waiting for the viewer to close: the command's work is done.
  await open(path, { wait: false });
};

/**
 * What one run shows with --open: the report or the sheet when there is one (they already show
 * every result), else the only saved result, else the folder that holds the results: never
 * more than one window, however many photos the run saved.
 */
export function pickWhatToOpen(found: { report?: string | null; sheet?: string | null; saved: readonly string[] }): string | null {
  if (found.report) return found.report;
  if (found.sheet) return found.sheet;
  if (found.saved.length === 0) return null;
  if (found.saved.length === 1) return found.saved[0]!;
  return commonFolder(found.saved.map((path) => dirname(path)));
}

function commonFolder(folders: readonly string[]): string {
  let common = folders[0]!;
  for (const folder of folders) {
    while (common !== dirname(common) && folder !== common && !folder.startsWith(common.endsWith('/') ? common : `${common}/`)) {
      common = dirname(common);
    }
  }
  return common;
}

/**
 * --open for one run: decides once, opens at most once. Returns the line to tell the person
 * (what was opened, or why nothing was), or null when there is nothing to show.
 */
export async function openOnce(target: string | null, facts: DesktopFacts, opener: Opener = systemOpener): Promise<{ opened: boolean; note: string } | null> {
  if (target === null) return null;
  const reason = whyNotOpen(facts);
  if (reason !== null) return { opened: false, note: `--open: nothing opened: ${reason}` };
  try {
    await opener(target);
    return { opened: true, note: `opened ${target}` };
  } catch (error) {
    // A missing viewer is not a failed run: the results are saved; say so and go on.
    return { opened: false, note: `--open: could not open ${target}: ${(error as Error).message}` };
  }
}
