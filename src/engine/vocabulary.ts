// Values the library and its faces share (the CLI's option lists, help and completion). Kept in
// a module of its own, with no heavy imports, so the CLI's startup bundle stays light.
export { DEFAULT_BASE_URL } from '../api/base-url.js';
export { WATERMARK_LANGUAGES, WATERMARK_POSITIONS } from '../api/request-body.js';
