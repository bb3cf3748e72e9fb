import { findStyleByKeys, REQ_KEYS, subReqKeysOf } from '../catalog/styles.js';
import { SEED_CODES } from '../catalog/error-codes.js';

/** A create body the service refuses: `code` is the seed code it answers with (400). */
export class ValidationFailure extends Error {
  override name = 'ValidationFailure';
  constructor(readonly code: string) {
    super(SEED_CODES.find((entry) => entry.code === code)?.message ?? 'invalid request');
  }
}

/** A create body that passed: which style, which image, and whether the result comes as a URL. */
interface ValidRequest {
  alias: string;
  image: { base64: string } | { url: string };
  returnUrl: boolean;
}

/** The seed's validation rules, 003008001-003008005, applied to a create body's params. */
export function validateCreate(body: unknown): ValidRequest {
  const params = (body as { input?: { params?: Record<string, unknown> }[] })?.input?.[0]?.params;
  if (!params || typeof params !== 'object') throw new ValidationFailure('003008004');
  const reqKey = params.req_key;
  if (typeof reqKey !== 'string' || reqKey === '') throw new ValidationFailure('003008001');
  if (!REQ_KEYS.includes(reqKey)) throw new ValidationFailure('003008002');
  const subKeys = subReqKeysOf(reqKey);
  const subReqKey = params.sub_req_key;
  if (subKeys.length > 0 ? typeof subReqKey !== 'string' || !subKeys.includes(subReqKey) : subReqKey !== undefined && subReqKey !== null && subReqKey !== '') {
    throw new ValidationFailure('003008003');
  }
  const urls = params.image_urls as unknown[] | undefined;
  const inline = params.binary_data_base64 as unknown[] | undefined;
  const hasUrls = Array.isArray(urls) && urls.length > 0;
  const hasInline = Array.isArray(inline) && inline.length > 0;
  if (!hasUrls && !hasInline) throw new ValidationFailure('003008004');
  if ((hasUrls && hasInline) || (hasUrls && urls!.length !== 1) || (hasInline && inline!.length !== 1)) throw new ValidationFailure('003008005');
  const style = findStyleByKeys(reqKey, subKeys.length > 0 ? (subReqKey as string) : null)!;
  return {
    alias: style.alias,
    image: hasInline ? { base64: String(inline![0]) } : { url: String(urls![0]) },
    returnUrl: params.return_url !== false,
  };
}
