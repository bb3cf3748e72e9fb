import type { Style } from '../catalog/styles.js';

/** logo_info as the provider's page defines it. */
export interface LogoInfo {
  add_logo: boolean;
  position?: 0 | 1 | 2 | 3;
  language?: 0 | 1;
  opacity?: number;
  logo_text_content?: string;
}

export const WATERMARK_POSITIONS = { 'bottom-right': 0, 'bottom-left': 1, 'top-left': 2, 'top-right': 3 } as const;
export const WATERMARK_LANGUAGES = { zh: 0, en: 1 } as const;

type ImageSource = { readonly bytes: Buffer } | { readonly url: string };

interface CreateParams {
  readonly style: Style;
  readonly image: ImageSource;
  readonly returnUrl: boolean;
  readonly logo: LogoInfo | null;
}

export interface CreateBody {
  model: 'spark_style_template';
  input: [{ params: Record<string, unknown> }];
}

/** The create body of PROTOCOL.md: one image, sub_req_key only for the styles that take one. */
export function buildCreateBody(params: CreateParams): CreateBody {
  const { image } = params;
  return bodyWith(params, 'bytes' in image ? { base64: image.bytes.toString('base64') } : image);
}

function bodyWith(params: CreateParams, image: { base64: string } | { url: string }): CreateBody {
  const wire: Record<string, unknown> = { req_key: params.style.reqKey };
  if (params.style.subReqKey) wire.sub_req_key = params.style.subReqKey;
  if ('base64' in image) wire.binary_data_base64 = [image.base64];
  else wire.image_urls = [image.url];
  wire.return_url = params.returnUrl;
  if (params.logo) wire.logo_info = params.logo;
  return { model: 'spark_style_template', input: [{ params: wire }] };
}

// Base64 and JSON never produce this text, so it marks exactly where the image goes.
const IMAGE_PLACEHOLDER = '@@spark-style-image@@';

/**
 * The same JSON as buildCreateBody, as bytes ready to send, built without ever holding the
 * image's base64 as one JS string: strings over 128 KB go straight to V8's old generation and
 * pile up until a full GC, which made a 1000-image batch's memory grow with its size.
 */
export function encodeCreateBody(params: CreateParams): Buffer {
  const { image } = params;
  if (!('bytes' in image)) return Buffer.from(JSON.stringify(bodyWith(params, image)));
  const [before, after] = JSON.stringify(bodyWith(params, { base64: IMAGE_PLACEHOLDER })).split(IMAGE_PLACEHOLDER) as [string, string];
  // One buffer, written in place: no intermediate copies of the image's base64.
  const body = Buffer.allocUnsafe(Buffer.byteLength(before) + base64Length(image.bytes.length) + Buffer.byteLength(after));
  let offset = body.write(before, 0);
  offset = writeBase64(image.bytes, body, offset);
  offset += body.write(after, offset);
  return body.subarray(0, offset);
}

function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** Base64 in 48 KB slices: each slice's string is small enough to die young. Returns the end offset. */
function writeBase64(bytes: Buffer, target: Buffer, offset: number): number {
  const slice = 3 * 16 * 1024;
  let at = offset;
  for (let start = 0; start < bytes.length; start += slice) {
    at += target.write(bytes.toString('base64', start, Math.min(bytes.length, start + slice)), at, 'latin1');
  }
  return at;
}

/** The body with every base64 string cut short, for --dry-run and logs. */
export function abbreviateBody(body: CreateBody): CreateBody {
  return JSON.parse(
    JSON.stringify(body, (key, value) =>
      key === 'binary_data_base64' && Array.isArray(value)
        ? value.map((text: string) => (text.length > 40 ? `${text.slice(0, 24)}…(${text.length} base64 chars)` : text))
        : value,
    ),
  ) as CreateBody;
}
