/**
 * The seed's error codes (spark_style_template.txt) and what each means for us, per
 * PROTOCOL.md's table. The only place that knows a code's message, hint and retry rule.
 */
type SeedCodeHandling =
  | 'fail' // our request was wrong: fail the item
  | 'fail-resubmittable' // generation failed: a new task may succeed (only with --retry-failed)
  | 'keep-polling' // the status check failed, the task may still be running
  | 'retry-create'; // in the answer to a create: nothing was created, retry with backoff

interface SeedCode {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
  /** When the input was a URL the service fetched itself: what to do instead of `hint`. */
  readonly urlHint?: string;
  readonly handling: SeedCodeHandling;
}

const URL_NOT_FETCHED =
  'the service could not fetch the image at this URL: check that it opens publicly (no login, cookies or private network), or download it and pass the file';

export const SEED_CODES: readonly SeedCode[] = [
  { code: '003008001', message: 'missing req_key', hint: 'this is a bug in spark-style; please report it', handling: 'fail' },
  { code: '003008002', message: 'invalid req_key', hint: 'run `spark-style styles` for the valid styles', handling: 'fail' },
  { code: '003008003', message: 'invalid sub_req_key', hint: 'the sub-style must belong to the style; see `spark-style styles`', handling: 'fail' },
  {
    code: '003008004',
    message: 'missing image',
    hint: 'the request carried no image; check the input file or URL',
    urlHint: URL_NOT_FETCHED,
    handling: 'fail',
  },
  { code: '003008005', message: 'invalid image count', hint: 'the API takes exactly one image per task', handling: 'fail' },
  { code: '003008095', message: 'internal generation error', hint: 'a new task may succeed: run again with --retry-failed', handling: 'fail-resubmittable' },
  { code: '003008096', message: 'result parsing error', hint: 'a new task may succeed: run again with --retry-failed', handling: 'fail-resubmittable' },
  {
    code: '003008097',
    message: 'HTTP error response',
    hint: 'a new task may succeed: run again with --retry-failed',
    urlHint: URL_NOT_FETCHED,
    handling: 'fail-resubmittable',
  },
  {
    code: '003008098',
    message: 'status check error',
    hint: 'the task may still be running; `spark-style status <id> --wait` keeps watching it',
    handling: 'keep-polling',
  },
  {
    code: '003008099',
    message: 'task creation error / service unavailable',
    hint: 'the service is busy; try again in a few minutes, or with --retry-failed',
    handling: 'retry-create',
  },
];

/** Codes are strings of digits; a number lost its leading zeros on the way, so pad it back. */
export function normalizeSeedCode(code: string | number | null | undefined): string | null {
  if (code === null || code === undefined || code === '') return null;
  const text = String(code).trim();
  if (/^\d+$/.test(text) && text.length < 9) {
    const padded = text.padStart(9, '0');
    if (SEED_CODES.some((entry) => entry.code === padded)) return padded;
  }
  return text;
}

export function findSeedCode(code: string | null | undefined): SeedCode | undefined {
  return code ? SEED_CODES.find((entry) => entry.code === code) : undefined;
}
