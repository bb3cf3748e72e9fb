import { UsageError } from '../core/errors.js';
import { byteLength, NAME_MAX_BYTES, NAME_SUFFIX_RESERVE_BYTES, shortenStem } from './name-bytes.js';
import { LONGEST_EXTENSION_BYTES } from './extension.js';
import { sanitizeStem, TASK_ID_MAX_BYTES } from './stems.js';

/**
 * `--name` / config `name-template`: where each result goes, relative to the output folder
 * (--out, else the folder the input was found in). Today's naming is the default.
 */
export const DEFAULT_NAME_TEMPLATE = '{dir}/{stem}.{style}.{ext}';

const NAME_FIELDS = ['stem', 'style', 'ext', 'dir', 'date', 'task'] as const;
type NameField = (typeof NAME_FIELDS)[number];

const FIELDS_HELP = 'fields: {stem} {style} {ext} {dir} {date} {task}; for example --name "{style}/{stem}.{ext}" or "{date}/{stem}.{style}.{ext}"';

type Part = { readonly text: string } | { readonly field: NameField };

export interface NameTemplate {
  readonly source: string;
  /** Path components; the last is the file name and ends with ".{ext}". */
  readonly components: readonly (readonly Part[])[];
  readonly uses: ReadonlySet<NameField>;
}

/** The values known when the run is planned; {ext} and {task} are filled when the result is saved. */
interface PlanValues {
  readonly stem: string;
  readonly style: string;
  /** The input's folder relative to the input root ("" outside --recursive), "/"-separated. */
  readonly dir: string;
  /** YYYY-MM-DD, or null when the template has no {date}. */
  readonly date: string | null;
}

/**
 * A planned name, split where the still unknown parts go: the file is
 * `folders/` + before + (task id) + after + `.` + extension.
 */
export interface ExpandedName {
  readonly folders: readonly string[];
  readonly before: string;
  readonly after: string;
  readonly hasTask: boolean;
}

function refuse(template: string, rule: string): never {
  throw new UsageError(`--name '${template}': ${rule}`, { code: 'name-template', hint: FIELDS_HELP });
}

/**
 * Checked once, before anything is read or sent. A template must not be able to leave the
 * output folder (no absolute path, no ".."), and must end with ".{ext}": the extension comes
 * from the result's bytes, and "-2" suffixes go right before it.
 */
export function parseNameTemplate(source: string): NameTemplate {
  if (source.trim() === '') refuse(source, 'the template is empty');
  if (/[\u0000-\u001f\u007f]/.test(source)) refuse(source, 'control characters cannot be part of a file name');
  if (source.startsWith('/') || source.startsWith('\\') || /^[A-Za-z]:/.test(source)) {
    refuse(source, 'an absolute path would leave the output folder; names are relative to --out');
  }
  const uses = new Set<NameField>();
  const counts = new Map<NameField, number>();
  const rawComponents = source.split(/[/\\]/).filter((component) => component !== '' && component !== '.');
  if (rawComponents.length === 0) refuse(source, 'the template has no file name');
  const components = rawComponents.map((raw, index) => {
    if (raw === '..') refuse(source, '".." would leave the output folder');
    const parts: Part[] = [];
    const pattern = /\{([^{}]*)\}|[{}]|[^{}]+/g;
    for (const match of raw.matchAll(pattern)) {
      if (match[0] === '{' || match[0] === '}') refuse(source, `unbalanced "${match[0]}"`);
      if (match[1] === undefined) {
        parts.push({ text: match[0] });
        continue;
      }
      const field = match[1] as NameField;
      if (!NAME_FIELDS.includes(field)) refuse(source, `unknown field {${match[1]}}`);
      uses.add(field);
      counts.set(field, (counts.get(field) ?? 0) + 1);
      parts.push({ field });
    }
    const isLast = index === rawComponents.length - 1;
    if (parts.some((part) => 'field' in part && part.field === 'dir') && parts.length !== 1) {
      refuse(source, '{dir} stands for folders: give it a path component of its own, as in "{dir}/{stem}.{ext}"');
    }
    if (!isLast && parts.some((part) => 'field' in part && (part.field === 'task' || part.field === 'ext'))) {
      refuse(source, '{task} and {ext} belong in the file name, not in a folder');
    }
    return parts;
  });
  const last = components[components.length - 1]!;
  const tail = last.slice(-2);
  const endsWithExt = tail.length === 2 && 'text' in tail[0]! && tail[0].text.endsWith('.') && 'field' in tail[1]! && tail[1].field === 'ext';
  if (!endsWithExt || counts.get('ext') !== 1) refuse(source, 'the file name must end with ".{ext}" (the extension comes from the result), and use {ext} once');
  if ((counts.get('task') ?? 0) > 1) refuse(source, 'use {task} at most once');
  if (last.length === 2 && tail[0] && 'text' in tail[0] && tail[0].text === '.') refuse(source, 'the file name needs something before ".{ext}"');
  return { source, components, uses };
}

/**
 * The planned name of one item, every component fitted to NAME_MAX in bytes: when a name
 * would be too long, {stem} is shortened (with a hash, so names stay distinct), which leaves
 * room for the longest extension, the longest task id and a "-N" suffix.
 */
export function expandName(template: NameTemplate, values: PlanValues): ExpandedName {
  const folders: string[] = [];
  const components = template.components;
  for (const parts of components.slice(0, -1)) {
    if (parts.length === 1 && 'field' in parts[0]! && parts[0].field === 'dir') {
      folders.push(...dirComponents(values.dir));
      continue;
    }
    const stem = fittedStem(template.source, parts, values, NAME_MAX_BYTES);
    const folder = render(parts, values, stem);
    // A value can make a folder that means something else (an empty {style}, say): never.
    if (folder === '.' || folder === '..' || folder.trim() === '')
      throw new UsageError(`--name '${template.source}' makes a folder named "${folder}"`, { code: 'name-template' });
    folders.push(folder);
  }
  // The file name: everything before ".{ext}" (the "." included while fitting, dropped after).
  const body = components[components.length - 1]!.slice(0, -1);
  const stem = fittedStem(template.source, body, values, NAME_MAX_BYTES - NAME_SUFFIX_RESERVE_BYTES - LONGEST_EXTENSION_BYTES);
  const taskAt = body.findIndex((part) => 'field' in part && part.field === 'task');
  if (taskAt === -1) return { folders, before: render(body, values, stem).slice(0, -1), after: '', hasTask: false };
  return { folders, before: render(body.slice(0, taskAt), values, stem), after: render(body.slice(taskAt + 1), values, stem).slice(0, -1), hasTask: true };
}

function render(parts: readonly Part[], values: PlanValues, stem: string): string {
  return parts.map((part) => ('text' in part ? part.text : fieldValue(part.field, values, stem))).join('');
}

function dirComponents(dir: string): string[] {
  return dir
    .split('/')
    .filter((component) => component !== '' && component !== '.' && component !== '..')
    .map(sanitizeStem);
}

function fieldValue(field: NameField, values: PlanValues, stem: string): string {
  switch (field) {
    case 'stem':
      return stem;
    case 'style':
      return values.style;
    case 'date':
      return values.date ?? 'undated';
    case 'task':
    case 'ext':
    case 'dir':
      return ''; // filled later, or handled as folders
  }
}

/** {stem} as long as it can be within `allowed` bytes for this component. */
function fittedStem(source: string, parts: readonly Part[], values: PlanValues, allowed: number): string {
  let fixed = 0;
  let stems = 0;
  for (const part of parts) {
    if ('text' in part) fixed += byteLength(part.text);
    else if (part.field === 'stem') stems++;
    else if (part.field === 'task') fixed += TASK_ID_MAX_BYTES;
    else fixed += byteLength(fieldValue(part.field, values, ''));
  }
  if (fixed + stems * byteLength(values.stem) <= allowed) return values.stem;
  const room = stems === 0 ? -1 : Math.floor((allowed - fixed) / stems);
  if (room < 12) {
    throw new UsageError(`--name '${source}' makes a name longer than ${NAME_MAX_BYTES} bytes, the file system's limit`, {
      code: 'name-too-long',
      hint: 'shorten the fixed text of the template',
    });
  }
  return shortenStem(values.stem, room);
}
