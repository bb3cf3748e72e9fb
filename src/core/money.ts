/**
 * Money, counted in whole micro-dollars so that thirty tasks at $0.03 add up to exactly $0.90:
 * parsing what the service and people write, and writing it back for machines and for people.
 */
export type MicroUsd = number;

/** "0.0300" -> 30000; anything that is not a sane, non-negative decimal -> null. */
export function parseUsd(text: string | null | undefined): MicroUsd | null {
  if (typeof text !== 'string' || !/^\s*\d{1,9}(\.\d{1,12})?\s*$/.test(text)) return null;
  return Math.round(Number(text) * 1_000_000);
}

/** 30000 -> "0.0300": machine-readable amounts (--json), the way usage.cost is written. */
export function usdAmount(micro: MicroUsd): string {
  return (micro / 1_000_000).toFixed(4);
}

/** 30000 -> "$0.03"; sub-cent amounts keep their digits ("$0.0035"). */
export function formatUsd(micro: MicroUsd): string {
  const dollars = micro / 1_000_000;
  const text = dollars.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1');
  return `$${text}`;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
