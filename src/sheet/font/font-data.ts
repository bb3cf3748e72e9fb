/** Glyph outlines in font units (y grows downwards, baseline at 0), as extracted by scripts/extract-glyphs.mjs. */
export interface FaceData {
  readonly family: string;
  readonly unitsPerEm: number;
  readonly ascender: number;
  /** Negative: how far below the baseline the lowest glyphs reach. */
  readonly descender: number;
  readonly glyphs: Readonly<Record<string, { readonly advance: number; readonly d: string }>>;
  /** Keyed by the two characters, e.g. "AV"; only the pairs that are not zero. */
  readonly kerning: Readonly<Record<string, number>>;
}

export interface FontData {
  readonly source: string;
  readonly faces: { readonly regular: FaceData; readonly bold: FaceData };
}
