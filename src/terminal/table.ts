/**
 * Tables for people, tab-separated rows for pipes (no header, nothing truncated), the way
 * `gh` does it: a script can `cut -f1` the output without parsing padding.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], forTerminal: boolean): string[] {
  if (!forTerminal) return rows.map((row) => row.join('\t'));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header.map((title) => title.toUpperCase())), ...rows.map(line)];
}
