/**
 * The public, typed surface of spark-style as a library: what `createSparkStyle` takes, what its
 * methods take and give back, and the events of a run. The engine defines these for itself and
 * knows nothing of terminals: the CLI maps its flags onto these options and renders the events.
 *
 * Names here are stable: programs and the other faces of the tool (MCP server, watched folder)
 * build on them. Plain data only (JSON-ready objects, snake_case where the CLI's --json prints
 * the same object), so that `--json` and a program see exactly the same thing.
 */
import type { Clock } from '../core/clock.js';
import type { ErrorKind } from '../core/errors.js';

export type { Clock, ErrorKind };

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/** The built-in emulator (`offline: true`), tuned for tests. */
export interface OfflineOptions {
  /** Create-to-completed time of every task, ms (default 2500, as `--offline`). */
  readonly latencyMs?: number;
  /** usage.cost the emulator reports for every task, USD (default "0.0000": offline is free). */
  readonly costPerTask?: string;
}

/** Where a connection goes: resolved once per client from the options (and the config file with loadConfig). */
export interface ConnectionRequest {
  readonly offline: boolean;
  /** The API base URL (checked); the emulator's own address when offline. */
  readonly baseUrl: string | null;
  readonly apiKey: string | null;
}

export interface SparkStyleOptions {
  /** The Vtrix API key. Without it (and without `loadConfig`) only offline runs, plans, checks and history work. */
  readonly apiKey?: string;
  /** The API base URL (default: the provider's). */
  readonly baseUrl?: string;
  /** Allow a non-loopback plain-http base URL (as --insecure). */
  readonly insecure?: boolean;
  /** Run against the built-in emulator on loopback: no key, no network, no cost. The ledger is then in memory. */
  readonly offline?: boolean | OfflineOptions;
  /** The folder of the task ledger (ledger.db) and of rescued results; default as the CLI (~/.config/spark-style). */
  readonly stateDir?: string;
  /**
   * The task ledger, when not ledger.db in stateDir: a postgres:// URL that a fleet of workers
   * shares (leases, work pulled, one budget; its password is never shown), or a ledger file.
   * With `loadConfig`, SPARK_STYLE_LEDGER and the config's `ledger` are read too.
   */
  readonly ledger?: string;
  /** How long a worker's lease on an item lasts, in ms (default a minute; SPARK_STYLE_LEASE_MS with loadConfig). */
  readonly leaseMs?: number;
  /** Time for every wait and timestamp; tests inject a fake clock. */
  readonly clock?: Clock;
  /**
   * Read the config file (api-key, base-url, default-style, out-dir, concurrency, name-template)
   * and the environment variables the CLI reads (SPARK_STYLE_API_KEY, ...) from `env`. Off by
   * default: a library reads nothing it was not given.
   */
  readonly loadConfig?: boolean;
  /** The environment for `loadConfig` and the default stateDir; never process.env unless passed. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Request log lines (method, URL, status, time; never the key), as --verbose prints them. */
  readonly log?: (line: string) => void;
  /**
   * Test hook, at the connection level: replaces how the client reaches the API (an emulator on
   * a fake clock, a stub server). Receives where the client would connect; returns a base URL
   * and key to use instead, and an optional close.
   */
  readonly connect?: (request: ConnectionRequest) => Promise<ConnectionOverride>;
}

export interface ConnectionOverride {
  readonly baseUrl: string;
  readonly apiKey: string;
  close?(): Promise<void>;
}

/** A spark-style client. Never prints, never exits, installs no signal handlers, leaves process.env alone. */
export interface SparkStyle {
  /** The styles the API offers. */
  styles(): readonly StyleInfo[];
  /** The local pre-flight for one image: every rule it breaks; with `fix`, an API-ready copy too. */
  check(path: string, options?: CheckOptions): Promise<CheckResult>;
  /**
   * Many images, two at a time, each yielded in the order given. With `fix`, two inputs that
   * would be written as the same copy are refused (UsageError `output-collision`) before anything is written.
   */
  checkAll(paths: readonly string[], options?: CheckOptions): AsyncIterable<CheckResult>;
  /** What a stylize run would do with these inputs, sending nothing: --dry-run as data. */
  plan(inputs: readonly string[], options: StylizeOptions): Promise<Plan>;
  /** Stylize: an async iterable of events, and `result`, the summary with every item's result. */
  stylize(inputs: readonly string[], options: StylizeOptions): Run;
  /** Look up tasks by id; with `wait`, until they end; with `save`, save their results (the same pipeline as stylize). */
  status(taskIds: readonly string[], options?: StatusOptions): Promise<TaskStatus[]>;
  /** The tasks the ledger recorded, newest first. */
  history(filter?: HistoryFilter): Promise<HistoryEntry[]>;
  /** Environment, config, ledger, key and service checks. */
  doctor(options?: DoctorOptions): Promise<DoctorReport>;
  /** Stylize, then compose the saved results into one labelled contact sheet (JPEG). */
  sheet(inputs: readonly string[], options: SheetOptions): Run<SheetRunResult>;
  /** Lets go of the ledger and any offline emulator. Runs in progress should be awaited first. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Styles and checks
// ---------------------------------------------------------------------------------------------

export interface StyleInfo {
  /** What people type: "ghibli". */
  readonly alias: string;
  readonly req_key: string;
  readonly sub_req_key: string | null;
  /** The provider's English name. */
  readonly name: string;
}

export interface CheckOptions {
  /** Write an API-ready copy (converted, rotated, resized, re-encoded) into `fix.outDir`. */
  readonly fix?: false | { readonly outDir: string; readonly keepMetadata?: boolean; readonly overwrite?: boolean };
}

export interface RuleBroken {
  /** format, max-bytes, min-size, max-size, decodes, ... */
  readonly rule: string;
  readonly message: string;
}

/** The verdict on one image, as `check --json` prints it. */
export interface CheckResult {
  readonly file: string;
  readonly ok: boolean;
  readonly format: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly bytes: number | null;
  readonly errors: readonly RuleBroken[];
  /** --fix could repair it. */
  readonly fixable: boolean;
  /** stylize and sheet convert it to JPEG on their own: no fix needed. */
  readonly convertible: boolean;
  /** The verdict in one line, as `check` prints it: "ok (JPEG 900x700, 41 KB)" or every rule broken. */
  readonly description: string;
  /** With `fix`: where the copy went and what changed (null when it could not be repaired). */
  readonly fixed?: { readonly output: string; readonly changes: readonly string[]; readonly warnings: readonly string[] } | null;
  /** With `fix`: why no copy was written (empty when one was). */
  readonly fixErrors?: readonly RuleBroken[];
}

// ---------------------------------------------------------------------------------------------
// Stylize options
// ---------------------------------------------------------------------------------------------

export type WatermarkPosition = 'bottom-right' | 'bottom-left' | 'top-left' | 'top-right';
export type WatermarkLanguage = 'zh' | 'en';

export interface WatermarkOptions {
  readonly position?: WatermarkPosition;
  readonly language?: WatermarkLanguage;
  /** 0..1, 1 is opaque. */
  readonly opacity?: number;
  readonly text?: string;
}

/** The options of a run; they mirror stylize's flags. */
export interface StylizeOptions {
  /** Aliases or req_keys ("ghibli", ["ghibli", "ink-wash"]) or "all". With loadConfig, default-style when absent. */
  readonly styles?: string | readonly string[];
  /** sub_req_key for a raw req_key that needs one. */
  readonly subStyle?: string;
  /** Where results go (else beside each input). */
  readonly outDir?: string;
  /** Output names relative to outDir: {stem} {style} {ext} {dir} {date} {task}. */
  readonly name?: string;
  /** Tasks in flight at once (default 4). */
  readonly concurrency?: number;
  /** Never start a task that could take this run's spend over this many US dollars. */
  readonly budget?: number | string;
  /** Refuse to run when more tasks would be created; also enforced while running. */
  readonly maxTasks?: number;
  /** Rotate, resize, re-encode inputs the API would refuse (originals unchanged). */
  readonly fix?: boolean | { readonly keepMetadata?: boolean };
  /** Convert HEIC, WebP, AVIF, TIFF and GIF to JPEG (or PNG) for the API (default true); false refuses them. */
  readonly convert?: boolean;
  /** Add the "AI generated" watermark. */
  readonly watermark?: boolean | WatermarkOptions;
  /** How long to wait for each task: ms, or "90s", "5m" (default 10m). */
  readonly timeout?: number | string;
  /** Keep only shard K of N: "2/4" or { index: 2, count: 4 }. */
  readonly shard?: string | { readonly index: number; readonly count: number };
  /** Replace results that already exist (else they are skipped, and nothing is paid). */
  readonly overwrite?: boolean;
  /** Create new tasks for items whose task failed in an earlier run. */
  readonly retryFailed?: boolean;
  /** Send again items whose earlier create has an unknown outcome (it may have been charged). */
  readonly resendUnknown?: boolean;
  /** Ask for result URLs (default) or inline base64. */
  readonly returnUrl?: boolean;
  /** Descend into subfolders. */
  readonly recursive?: boolean;
  /** Stop creating tasks after the first failure. */
  readonly failFast?: boolean;
  /** Write capture date and the AI-made mark into results (default true). */
  readonly provenance?: boolean;
  /** Copy the original's GPS position into results. */
  readonly keepGps?: boolean;
  /** Lines for the input "-" (paths, one a line). */
  readonly stdin?: () => Promise<string>;
  /** First abort: nothing new starts, creates on the wire finish and are recorded, waiting stops. */
  readonly signal?: AbortSignal;
  /** @internal The contact sheet this run will compose: laid out from the plan and refused before paying when it cannot be made. */
  readonly sheetLayout?: { readonly width: number; readonly columns?: number };
}

// ---------------------------------------------------------------------------------------------
// Plans (--dry-run as data)
// ---------------------------------------------------------------------------------------------

/** create: sends (pays); collect: an earlier task, free; skip: done; refuse: cannot send; unknown: an earlier create may have paid. */
export type PlanAction = 'create' | 'collect' | 'skip' | 'refuse' | 'unknown';

/** One item of a plan, as `--dry-run --json` prints it. */
export interface PlanItem {
  readonly input: string;
  readonly style: string;
  readonly action: PlanAction;
  /** Where the result goes ("{base}.*": the extension is the result's own). */
  readonly output: string | null;
  readonly reason: string | null;
  /** The create body, base64 shortened (create only). */
  readonly body: unknown;
}

export type PriceBasis = 'style' | 'all-styles';

/** The summary line of `--dry-run --json`. */
export interface PlanSummary {
  readonly dry_run: true;
  readonly tasks_to_create: number;
  readonly to_collect: number;
  readonly to_skip: number;
  readonly refused: number;
  readonly unknown: number;
  readonly expected_cost_usd: string | null;
  readonly price_basis: PriceBasis | null;
  readonly prices_usd: Readonly<Record<string, string | null>>;
  readonly budget_usd: string | null;
  readonly tasks_within_budget: number | null;
}

export interface Plan {
  readonly items: readonly PlanItem[];
  readonly summary: PlanSummary;
  /** Where creates would go. */
  readonly endpoint: string;
  /** Inputs a folder or pattern found and left out (a sheet, a result spark-style made), with why. */
  readonly leftOut: readonly LeftOut[];
}

export interface LeftOut {
  readonly path: string;
  readonly reason: string;
}

// ---------------------------------------------------------------------------------------------
// Runs: events and results
// ---------------------------------------------------------------------------------------------

export type ItemStatus = 'saved' | 'skipped' | 'failed' | 'interrupted' | 'cancelled';

/** One item: one input with one style. */
export interface ItemRef {
  /** Position in the run (input order, then style order). */
  readonly index: number;
  readonly input: string;
  readonly style: string;
}

/** One item's result, the object `--json` prints per item. */
export interface ItemResult {
  readonly input: string;
  readonly style: string;
  readonly status: ItemStatus;
  /** The saved file (the first, when the task returned several). */
  readonly output: string | null;
  readonly task_id: string | null;
  /** USD, as the service reported it. */
  readonly cost: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** An ItemResult with what people and exit codes need besides (not printed by --json). */
export interface ItemOutcome extends ItemResult {
  /** What the input is: a local file (`input` is its path), a URL, or a name that cannot be used. */
  readonly source: 'file' | 'url' | 'unusable';
  /** What to do about the error. */
  readonly hint?: string;
  /** The error's kind (maps to an exit code). */
  readonly errorKind: ErrorKind | null;
  /** This run created (and paid for) the task. */
  readonly created: boolean;
  /** Notes for people: what --fix changed, warnings. */
  readonly notes: readonly string[];
}

/** Something the run wants told that ends no item (429 slow-down, a Retry-After cut, the first abort). */
export type NoticeCode = 'rate-limited' | 'rate-restored' | 'retry-after-capped' | 'stopping';

export type RunEvent =
  /** The inputs are expanded and planned: `total` items will be run. */
  | { readonly type: 'run-started'; readonly total: number; readonly offline: boolean }
  | { readonly type: 'input-left-out'; readonly path: string; readonly reason: string }
  | { readonly type: 'item-started'; readonly item: ItemRef }
  /** A task exists for the item: created now and paid for (`reused` false), or an earlier one collected. */
  | { readonly type: 'task-created'; readonly item: ItemRef; readonly taskId: string; readonly reused: boolean }
  | { readonly type: 'progress'; readonly item: ItemRef; readonly taskId: string; readonly status: string; readonly progress: number | null }
  | { readonly type: 'retrying'; readonly item: ItemRef; readonly delayMs: number; readonly reason: string }
  | { readonly type: 'item-finished'; readonly item: ItemRef; readonly result: ItemOutcome }
  | { readonly type: 'warning'; readonly item: ItemRef | null; readonly message: string }
  | { readonly type: 'notice'; readonly code: NoticeCode; readonly message: string }
  | { readonly type: 'run-finished'; readonly summary: RunSummary };

export type RunEventType = RunEvent['type'];

/** The `{"summary": ...}` object of `--json`. */
export interface RunSummary {
  readonly total: number;
  readonly still_running: number;
  readonly saved: number;
  readonly skipped: number;
  readonly failed: number;
  readonly interrupted: number;
  readonly cancelled: number;
  readonly tasks_created: number;
  readonly cost_usd: string;
  readonly cost_unknown: number;
  readonly wall_ms: number;
  readonly budget_usd: string | null;
  readonly spent_usd: string | null;
  readonly spent_estimated_tasks: number;
  readonly not_started_budget: number;
}

/** Why --budget held items back. */
export interface BudgetStop {
  readonly limit_usd: string;
  /** The service reported no cost, so a budget cannot be kept. */
  readonly cost_unreported: boolean;
  readonly held: readonly { readonly input: string; readonly style: string; readonly price_usd: string | null }[];
}

export interface RunResult {
  /** Every item's result, in input order. */
  readonly items: readonly ItemOutcome[];
  readonly summary: RunSummary;
  /** The signal aborted: some items are unfinished (the same call again resumes, paying nothing twice). */
  readonly interrupted: boolean;
  readonly offline: boolean;
  /** Items --budget held back; null when none. */
  readonly budgetStop: BudgetStop | null;
  /** The exit code the CLI gives this run. */
  readonly exitCode: number;
}

/**
 * A run in progress: iterate it for events (each iterator sees every event from the start),
 * await `result` for the outcome. Errors before anything starts (a usage error, --max-tasks)
 * reject `result` and end iteration by throwing.
 */
export interface Run<Result extends RunResult = RunResult> extends AsyncIterable<RunEvent> {
  readonly result: Promise<Result>;
}

// ---------------------------------------------------------------------------------------------
// Sheets, status, history, doctor
// ---------------------------------------------------------------------------------------------

export interface SheetOptions extends StylizeOptions {
  /** The sheet's file (.jpg) or a folder for its default name. */
  readonly output?: string;
  /** Sheet width in pixels (default 2400). */
  readonly width?: number;
  readonly columns?: number;
  /** How messages about `output` name it (the CLI's "-o"); default "output". */
  readonly outputFlag?: string;
}

/**
 * The result of client.sheet(): the whole stylize run (every item, cost, tasks created), and the
 * sheet. Composing comes after paying, so a sheet that cannot be made or saved does not reject
 * `result`: it is `composeError`, and `exitCode` counts it (1).
 */
export interface SheetRunResult extends RunResult {
  /** The composed sheet; null when the run was interrupted, none of the inputs is a local image file, or composing failed. */
  readonly sheet: string | null;
  /** What the sheet shows and how it was made; null when `sheet` is. */
  readonly composed: ComposedSheet | null;
  /** Why no sheet was made after a finished run (it could not be composed or saved); null otherwise. */
  readonly composeError: SheetComposeError | null;
}

/** A sheet that could not be composed or saved after the run: the results are saved, and the same call again pays nothing. */
export interface SheetComposeError {
  /** Where the sheet was to be saved. */
  readonly path: string;
  /** "not-a-regular-file" (something else took the name), a file-system code ("EACCES", "ENOSPC", ...), else "compose-failed". */
  readonly code: string;
  /** The cause in one line, without the path ("it is not a regular file", "permission denied"). */
  readonly message: string;
}

/** A composed contact sheet, as `sheet` reports it (`--json`: {"sheet": {path, width, height, bytes, photos, styles, missing}}). */
export interface ComposedSheet {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  /**
   * The rows: one per local photo, in input order, with the label drawn under it. The sheet's
   * font is ASCII only, so a name it cannot draw is labelled by its place ("photo 2 (trip.jpg)").
   */
  readonly photos: readonly { readonly original: string; readonly label: string }[];
  /** The columns: the styles' aliases, in the order asked. */
  readonly styles: readonly string[];
  /** Tiles drawn as "no result" (failed, refused, ...). */
  readonly missing: number;
  /** Inputs that are not on the sheet: not a local image file (a URL, ...). */
  readonly leftOff: readonly string[];
  /** How long composing and saving took, in ms of the client's clock. */
  readonly ms: number;
}

export interface StatusOptions {
  /** Wait until each task ends. */
  readonly wait?: boolean;
  /** Save completed results into this folder (named as stylize would, when the ledger knows the task). */
  readonly save?: string;
  readonly overwrite?: boolean;
  /** How long to wait: ms or "90s", "5m" (default 10m). */
  readonly timeout?: number | string;
  readonly signal?: AbortSignal;
  /** While waiting: each change of a task's status or progress. */
  readonly onProgress?: (update: { readonly taskId: string; readonly status: string; readonly progress: number | null }) => void;
}

/** One task's status, as `status --json` prints it. */
export interface TaskReport {
  readonly task_id: string;
  readonly status: string;
  readonly progress: number | null;
  readonly cost: string | null;
  readonly results: readonly string[];
  readonly error: { readonly code: string | null; readonly message: string } | null;
  readonly saved: readonly string[];
  readonly results_left_out?: number;
  /** Notes for people about saving (a fallback name, a result another run is collecting); not printed by --json. */
  readonly notes?: readonly string[];
}

/** A task that could not be looked up (unknown id, refused key, ...). */
export interface TaskLookupFailure {
  readonly task_id: string;
  readonly status: 'error';
  readonly error: { readonly code: string; readonly message: string };
  readonly hint?: string;
  readonly errorKind: ErrorKind;
}

export type TaskStatus = TaskReport | TaskLookupFailure;

export type LedgerStatus = 'saved' | 'failed' | 'open' | 'unknown' | 'expired' | 'never-sent';

export interface HistoryFilter {
  /** Only tasks since then (a Date or epoch ms). */
  readonly since?: Date | number;
  readonly style?: string;
  readonly status?: LedgerStatus;
  readonly limit?: number;
}

/** One ledger row, as `history --json` prints it. */
export interface HistoryEntry {
  readonly at: string;
  readonly input: string;
  readonly style: string;
  readonly task_id: string | null;
  readonly status: LedgerStatus;
  readonly output: string | null;
  readonly cost: string | null;
  readonly error_code: string | null;
  /** The worker that sent the create ("3f9a1c2b7d4e on build-7"); null for rows older than leases. */
  readonly worker: string | null;
}

export interface DoctorOptions {
  /** How long the service probe may take: ms or "10s". */
  readonly timeout?: number | string;
  /**
   * A config file to check as well (after the state folder, when that is private): found or not
   * made yet, readable, a JSON object, mode 0600. The CLI passes its config.json. Default: none.
   */
  readonly configFile?: string;
  /**
   * Check the local setup (the ledger included) as for runs against the service, then try the
   * built-in emulator on loopback instead of the key and the service: nothing leaves the
   * machine (`doctor --offline`). Default false.
   */
  readonly offline?: boolean;
  /**
   * Without a key, still probe the service (reachable? TLS? proxy?) and report "key accepted" as
   * not tried: two things to fix seen at once, as the CLI's doctor does. Default false: without a
   * key no request is sent.
   */
  readonly probeWithoutKey?: boolean;
  /** The fix shown when the base URL is not usable (default "check the baseUrl option"); the CLI names its flag, variable and config key. */
  readonly baseUrlHint?: string;
}

export interface DoctorCheck {
  readonly check: string;
  readonly status: 'pass' | 'warn' | 'fail';
  readonly detail: string;
  readonly fix: string | null;
  readonly exitCode: number;
}

export interface DoctorReport {
  readonly checks: readonly DoctorCheck[];
  readonly exitCode: number;
}
