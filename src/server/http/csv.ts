/**
 * RFC 4180 CSV; cells that a spreadsheet would run as a formula are defused
 * with a leading quote, and every cell holding a separator a spreadsheet may
 * split on (comma, semicolon, tab), a quote or a line break is quoted, so
 * `Sam;=cmd|...` stays one cell whatever the separator.
 */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (value: string | number | null) => {
    let text = value === null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}
