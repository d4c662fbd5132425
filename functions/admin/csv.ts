export class CsvError extends Error {
  override name = 'CsvError';
}

/**
 * RFC 4180 CSV: comma-separated fields, records ending in CRLF or LF, fields in double quotes
 * may hold commas, line breaks and doubled quotes (""). A leading byte-order mark is dropped,
 * and so are blank lines. Each record keeps the line it starts on, for error messages.
 */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    fields.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    recordLine = line;
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (fieldStarted && field.trim() !== '') {
        throw new CsvError(`Line ${line}: a quote inside an unquoted field; put the whole field in quotes`);
      }
      field = '';
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvError(`Line ${recordLine}: a quoted field is never closed`);
  endRecord();
  return records;
}
