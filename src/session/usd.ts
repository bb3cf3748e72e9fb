/** "0.0300" -> 30000 micro-dollars; null for anything that is not a plain amount. */
export function usdToMicro(text: string | number | null | undefined): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text * 1_000_000) : null;
  if (typeof text !== 'string' || !/^\s*\$?\d{1,9}(\.\d{1,12})?\s*$/.test(text)) return null;
  return Math.round(Number(text.trim().replace(/^\$/, '')) * 1_000_000);
}

/** 30000 -> "0.0300": what the engine's results and --json carry. */
export function microToUsd(micro: number): string {
  return (micro / 1_000_000).toFixed(4);
}
