// The typed errors a program can catch: each has a stable `code`, a `kind`, a `hint` for people
// and the `exitCode` the CLI gives it (one table: core/exit-codes.ts).
export { SparkError, UsageError, InputError, MissingKeyError, InterruptedError, isSparkError } from '../core/errors.js';
export {
  ApiError,
  AuthenticationError,
  PermissionError,
  TaskNotFoundError,
  RateLimitError,
  ServerError,
  NetworkError,
  RequestTimeoutError,
  OutcomeUnknownError,
  TaskFailedError,
  ProtocolError,
  WaitTimeoutError,
} from '../api/errors.js';
export { ExitCode, type ExitCodeValue } from '../core/exit-codes.js';
