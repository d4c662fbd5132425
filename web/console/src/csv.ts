/**
 * CSV in the browser: building an export (RFC 4180, with a guard against formula injection)
 * and splitting an upload into records so a large import can go up in parts.
 */

/**
 * A cell that a spreadsheet would read as a formula (= + - @, or a tab or carriage return
 * that some programs strip first) gets a leading apostrophe, as OWASP recommends.
 */
export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvCell(value: unknown): string {
  const text = guardCell(value === undefined || value === null ? '' : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows joined with CRLF; a byte-order mark first so Excel reads UTF-8 names correctly. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/**
 * Splits CSV text into records (a quoted field may hold commas and line breaks), each record
 * kept as its original text, so parts of a file can be sent on exactly as they were.
 */
export function splitRecords(csv: string): string[] {
  const records: string[] = [];
  let start = 0;
  let quoted = false;
  for (let index = 0; index < csv.length; index += 1) {
    const char = csv[index];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) {
      records.push(csv.slice(start, index));
      if (char === '\r' && csv[index + 1] === '\n') index += 1;
      start = index + 1;
    }
  }
  if (start < csv.length) records.push(csv.slice(start));
  return records.filter((record) => record.trim() !== '');
}

/** The header's column names, lower-cased and trimmed. */
export function headerColumns(headerRecord: string): string[] {
  const columns: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < headerRecord.length; index += 1) {
    const char = headerRecord[index];
    if (char === '"') {
      if (quoted && headerRecord[index + 1] === '"') {
        current += '"';
        index += 1;
      } else quoted = !quoted;
    } else if (char === ',' && !quoted) {
      columns.push(current);
      current = '';
    } else current += char;
  }
  columns.push(current);
  return columns.map((column) =>
    column
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
}
