import { stat } from 'node:fs/promises';
import { calendarDate, readCaptureInfo } from '../image/capture-info.js';
import type { NameTemplate } from './template.js';

/**
 * {date} for each file input: its capture date (EXIF/XMP) as YYYY-MM-DD, else the day the
 * file was last modified (local time, as a photo app shows it). Read only when the template
 * uses {date}: a header read per file, before anything is sent. URLs get the day of the run.
 */
export async function datesForNames(paths: readonly string[], template: NameTemplate, now: Date = new Date()): Promise<Map<string, string>> {
  const dates = new Map<string, string>();
  if (!template.uses.has('date')) return dates;
  dates.set('', localDate(now));
  for (const path of new Set(paths)) {
    const capture = await readCaptureInfo(path);
    if (capture) {
      dates.set(path, calendarDate(capture));
      continue;
    }
    const info = await stat(path).catch(() => null);
    if (info) dates.set(path, localDate(info.mtime));
  }
  return dates;
}

function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
