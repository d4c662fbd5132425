import { CsvError as ParserError, parse } from 'csv-parse/sync';

export class CsvError extends Error {
  override name = 'CsvError';
}

/** csv-parse's error codes, in words an admin fixing a spreadsheet understands. */
const EXPLAINED: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field; put the whole field in quotes',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field must end at a comma or at the end of the line',
};

/**
 * RFC 4180 CSV, read by csv-parse: fields in double quotes may hold commas, line breaks and
 * doubled quotes; records may end in CRLF, LF or CR (spreadsheets mix them); a byte-order mark
 * and blank lines are dropped. Each record keeps the line it starts on, for error messages.
 */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each row comes with its position (the typings only know plain rows).
    parsed = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      info: true,
    }) as unknown as typeof parsed;
  } catch (error) {
    if (!(error instanceof ParserError)) throw error;
    const line = (error as ParserError & { lines?: number }).lines;
    throw new CsvError(`Line ${line ?? '?'}: ${EXPLAINED[error.code] ?? error.message}`);
  }
  // csv-parse counts the line a record ends on; a record's own line breaks come before that.
  return parsed.map(({ record, info }) => ({
    line: info.lines - record.reduce((breaks, field) => breaks + (field.match(/\r\n|\n|\r/g)?.length ?? 0), 0),
    fields: record,
  }));
}
