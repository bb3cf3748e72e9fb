import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { redact } from '../core/secrets.js';
import { findStyleByAlias } from '../catalog/styles.js';
import type { RunResult } from '../engine/types.js';

/** A finished run, as the commands built on stylize (sheet, --report) see it. */
export interface FinishedRun extends Pick<RunResult, 'items' | 'summary' | 'interrupted' | 'offline'> {
  /** Text that must never be written anywhere (the API key). */
  readonly secrets: readonly string[];
}
import type { Summary } from '../terminal/summary.js';

/** One item of the report: everything about it is plain data, already free of secrets. */
export interface ReportItem {
  readonly style: string;
  readonly styleName: string;
  readonly status: string;
  /** The result, absolute (for thumbnails) and relative to the report (for links). */
  readonly output: { readonly path: string; readonly href: string } | null;
  readonly taskId: string | null;
  readonly cost: string | null;
  /** Whether this run created (and paid for) the task. */
  readonly created: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly hint: string | null;
  readonly notes: readonly string[];
}

export interface ReportPhoto {
  /** The input as the user typed it; a local file typed as an absolute path, relative to the report's folder. */
  readonly input: string;
  readonly name: string;
  /** The local original, when the input is a readable local file. */
  readonly original: { readonly path: string; readonly href: string } | null;
  readonly items: readonly ReportItem[];
}

export interface ReportModel {
  readonly generatedAt: string;
  readonly offline: boolean;
  readonly interrupted: boolean;
  readonly photos: readonly ReportPhoto[];
  readonly styles: readonly { readonly alias: string; readonly name: string }[];
  readonly summary: Summary;
}

/**
 * The report's data from a finished run, grouped by photo in input order. Every string that
 * came from outside (server messages, file names) passes through `clean`, which removes the key.
 */
export function reportModel(run: FinishedRun, reportPath: string, now: Date): ReportModel {
  const clean = (text: string) => run.secrets.reduce((out, secret) => redact(out, secret), text);
  const folder = dirname(resolve(reportPath));
  const link = (path: string) => ({ path: resolve(path), href: relative(folder, resolve(path)) });
  const photos = new Map<string, { input: string; name: string; original: ReportPhoto['original']; items: ReportItem[] }>();
  const styles = new Map<string, string>();
  for (const result of run.items) {
    const item = { input: result.input, style: { alias: result.style, name: findStyleByAlias(result.style)?.name ?? result.style } };
    let photo = photos.get(item.input);
    if (!photo) {
      const local = result.source === 'file' ? result.input : null;
      // An absolute path as typed would print the user's folders (home, user name) in a page meant to be shared.
      const shown = local && isAbsolute(item.input) ? relative(folder, local) || basename(local) : item.input;
      photo = { input: clean(shown), name: clean(local ? basename(local) : item.input), original: local ? link(local) : null, items: [] };
      photos.set(item.input, photo);
    }
    styles.set(item.style.alias, item.style.name);
    photo.items.push({
      style: item.style.alias,
      styleName: item.style.name,
      status: result.status,
      output: result.output ? { path: resolve(result.output), href: clean(relative(folder, resolve(result.output))) } : null,
      taskId: result.task_id ? clean(result.task_id) : null,
      cost: result.cost ? clean(result.cost) : null,
      created: result.created,
      error: result.error ? { code: clean(result.error.code), message: clean(result.error.message) } : null,
      hint: result.hint ? clean(result.hint) : null,
      notes: result.notes.map(clean),
    });
  }
  return {
    generatedAt: now.toISOString(),
    offline: run.offline,
    interrupted: run.interrupted,
    photos: [...photos.values()],
    styles: [...styles].map(([alias, name]) => ({ alias, name })),
    summary: run.summary,
  };
}
