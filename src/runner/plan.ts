import { dirname, join, resolve } from 'node:path';
import { STYLES, type Style } from '../catalog/styles.js';
import { UsageError } from '../core/errors.js';
import { datesForNames } from '../naming/dates.js';
import { RESULT_EXTENSIONS } from '../naming/extension.js';
import { describeOutput, plannedOutput, type PlannedOutput } from '../naming/output-path.js';
import { stemOfPath, stemOfUrl } from '../naming/stems.js';
import { DEFAULT_NAME_TEMPLATE, expandName, parseNameTemplate, type NameTemplate } from '../naming/template.js';
import type { InputSource } from './inputs.js';

/** One unit of work and of reporting: one input with one style. */
export interface PlannedItem {
  readonly index: number;
  readonly source: InputSource;
  /** The input as the user will recognise it in messages. */
  readonly input: string;
  readonly style: Style;
  /** Where the result goes (naming/output-path.ts); null for an unusable input. */
  readonly output: PlannedOutput | null;
  /** The same, as one string for people and the ledger: no extension, "{task}" where the id goes. */
  readonly outputBase: string | null;
}

/** How outputs are named: the template, and {date} per input path ("" for URLs). */
export interface NamingPlan {
  readonly template: NameTemplate;
  readonly dates: ReadonlyMap<string, string>;
}

/** The naming plan for these inputs: reads capture dates only when the template has {date}. */
export async function namingFor(sources: readonly InputSource[], template: NameTemplate): Promise<NamingPlan> {
  return {
    template,
    dates: await datesForNames(
      sources.flatMap((source) => (source.kind === 'file' ? [source.path] : [])),
      template,
    ),
  };
}

const DEFAULT_NAMING: NamingPlan = { template: parseNameTemplate(DEFAULT_NAME_TEMPLATE), dates: new Map() };

/**
 * Every input with every style, with its output name. Names are checked here, before anything
 * is sent: each fits the file system's byte limit, none leaves its output folder, and two
 * different items that would write the same file are a usage error.
 */
export function planItems(
  sources: readonly InputSource[],
  styles: readonly Style[],
  outDir: string | undefined,
  naming: NamingPlan = DEFAULT_NAMING,
): PlannedItem[] {
  const items: PlannedItem[] = [];
  const claimedBy = new Map<string, string>();
  const seen = new Set<string>();
  const planned: { source: InputSource; input: string; outputs: (PlannedOutput | null)[] }[] = [];
  for (const source of sources) {
    const input = source.kind === 'file' ? source.path : source.kind === 'url' ? source.url : source.label;
    const identity = source.kind === 'file' ? resolve(source.path) : input;
    if (seen.has(identity)) continue; // the same file named twice is one input
    seen.add(identity);
    planned.push({ source, input, outputs: styles.map((style) => outputOf(source, style, outDir, naming)) });
  }
  const earlierResults = resultsAmongInputs(planned, outDir, naming);
  for (const { source, input, outputs } of planned) {
    if (source.kind === 'file' && earlierResults.has(source.path)) continue;
    for (const [styleIndex, style] of styles.entries()) {
      const output = outputs[styleIndex]!;
      if (output !== null) {
        const key = resolve(describeOutput(output));
        if (source.kind === 'file' && !output.hasTask && resultBase(source.path) === key) {
          throw new UsageError(`${input}: the result would be saved over the photo itself`, {
            code: 'output-collision',
            hint: 'use a --name with {style} in it, or another --out',
          });
        }
        const other = claimedBy.get(key);
        if (other !== undefined && other !== `${input}\0${style.alias}`) {
          const [otherInput, otherStyle] = other.split('\0');
          throw new UsageError(`${otherInput} as ${otherStyle} and ${input} as ${style.alias} would both be saved as ${describeOutput(output)}.*`, {
            code: 'output-collision',
            hint: collisionHint(naming.template),
          });
        }
        claimedBy.set(key, `${input}\0${style.alias}`);
      }
      items.push({ index: items.length, source, input, style, output, outputBase: output ? describeOutput(output) : null });
    }
  }
  return items;
}

/**
 * Results saved beside their inputs by an earlier run are found again by `stylize photos/`:
 * a file that is where another input's result goes (in any style) is that result, not a new
 * photo. Returns the paths of such inputs. (Not with {task}: any id could be in a name.)
 */
function resultsAmongInputs(planned: readonly { source: InputSource }[], outDir: string | undefined, naming: NamingPlan): Set<string> {
  const found = new Set<string>();
  const byBase = new Map<string, string[]>();
  for (const { source } of planned) {
    const base = source.kind === 'file' ? resultBase(source.path) : null;
    if (base !== null) byBase.set(base, [...(byBase.get(base) ?? []), (source as { path: string }).path]);
  }
  if (byBase.size < 2 || naming.template.uses.has('task')) return found;
  for (const { source } of planned) {
    if (source.kind !== 'file') continue;
    for (const style of STYLES) {
      const name = expandName(naming.template, namingValues(source, style, naming));
      for (const path of byBase.get(resolve(rootOf(source, outDir), ...name.folders, name.before)) ?? []) {
        if (path !== source.path) found.add(path); // its own name is checked where the item is planned
      }
    }
  }
  return found;
}

/** The path without its extension when that extension is one a result is saved with, else null. */
function resultBase(path: string): string | null {
  const match = /^(.*)\.([^./]+)$/.exec(resolve(path));
  return match && (RESULT_EXTENSIONS as readonly string[]).includes(match[2]!) ? match[1]! : null;
}

function outputOf(source: InputSource, style: Style, outDir: string | undefined, naming: NamingPlan): PlannedOutput | null {
  if (source.kind === 'unusable') return null;
  return plannedOutput(rootOf(source, outDir), expandName(naming.template, namingValues(source, style, naming)));
}

function namingValues(source: Exclude<InputSource, { kind: 'unusable' }>, style: Style, naming: NamingPlan) {
  return {
    stem: source.kind === 'file' ? stemOfPath(source.path) : stemOfUrl(source.url),
    style: style.alias,
    dir: source.kind === 'file' ? source.relativeDir : '',
    date: naming.template.uses.has('date') ? (naming.dates.get(source.kind === 'file' ? source.path : '') ?? null) : null,
  };
}

function rootOf(source: Exclude<InputSource, { kind: 'unusable' }>, outDir: string | undefined): string {
  return outDir ?? (source.kind === 'file' && !source.sample ? inputRoot(source) : '.');
}

/** The folder an input was found under: its own folder, or the folder given with --recursive. */
function inputRoot(source: Extract<InputSource, { kind: 'file' }>): string {
  const folder = dirname(source.path);
  if (!source.relativeDir) return folder;
  return join(folder, ...source.relativeDir.split('/').map(() => '..'));
}

function collisionHint(template: NameTemplate): string {
  const missing = (['stem', 'style', 'dir'] as const).filter((field) => !template.uses.has(field)).map((field) => `{${field}}`);
  const add = missing.length ? `add ${missing.join(' or ')} to --name, ` : '';
  return `${add}rename one of them, or stylize them in separate runs with different --out folders`;
}
