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

export type ImageSource = { readonly base64: string } | { readonly url: string };

export interface CreateParams {
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
  const wire: Record<string, unknown> = { req_key: params.style.reqKey };
  if (params.style.subReqKey) wire.sub_req_key = params.style.subReqKey;
  if ('base64' in params.image) wire.binary_data_base64 = [params.image.base64];
  else wire.image_urls = [params.image.url];
  wire.return_url = params.returnUrl;
  if (params.logo) wire.logo_info = params.logo;
  return { model: 'spark_style_template', input: [{ params: wire }] };
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
