import { csvCell, guardCell, headerColumns, splitRecords, toCsv } from '../../web/console/src/csv';
import { prepareEmail } from '../../web/console/src/email-frame';
import { chunks, csvParts, missingColumns } from '../../web/console/src/pages/import';
import { CSV_HEADER, leadRow } from '../../web/console/src/pages/leads';
import { locate } from '../../web/console/src/pages/sequence/problems';
import { describeDelay } from '../../web/console/src/pages/sequence/steps';
import { nowInZone, zonedToUtc } from '../../web/console/src/zoned-time';

/** The console's pure helpers, without a browser. */

describe('CSV export cells', () => {
  it('prefixes every cell a spreadsheet would run as a formula', () => {
    for (const value of ['=1+1', '+1 813 555 0100', '-2', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(guardCell(value)).toBe(`'${value}`);
    }
    for (const value of ['Alex', '1+1', 'a=b', '', "'quoted"]) expect(guardCell(value)).toBe(value);
  });

  it('quotes cells with commas, quotes or line breaks, after guarding them', () => {
    expect(csvCell('O"Brien, Jr')).toBe('"O""Brien, Jr"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(3)).toBe('3');
  });

  it('guards a lead id that starts with "-" (base64url ids do, about one in 64)', () => {
    // A keyed id as the functions make them (32 base64url characters), one that starts with "-".
    const leadId = '-q3Zr8v0Kx2bY7nT1mWc4dLp9sHj6fAe';
    expect(leadId).toHaveLength(32);
    const csv = toCsv(CSV_HEADER, [
      leadRow({
        leadId,
        firstName: 'Pat',
        email: 'patient26@example.com',
        status: 'active',
        interests: [],
        source: 'article',
        createdAt: '2026-03-01T00:00:00.000Z',
        submissionCount: 1,
        progress: '1 of 7',
      }),
    ]);
    expect(csv.split('\r\n')[1]!.startsWith(`'${leadId},Pat,`)).toBe(true);
  });

  it('writes a byte-order mark, CRLF rows and a final line break', () => {
    expect(toCsv(['a', 'b'], [[1, '=x']])).toBe("\uFEFFa,b\r\n1,'=x\r\n");
  });
});

describe('CSV import splitting', () => {
  it('keeps quoted line breaks inside their record and drops blank lines', () => {
    const csv = 'email,first_name\r\na@example.com,"Two\nLines"\n\nb@example.com,B\r\n';
    expect(splitRecords(csv)).toEqual(['email,first_name', 'a@example.com,"Two\nLines"', 'b@example.com,B']);
  });

  it('reads header names case-insensitively, with quotes and a byte-order mark', () => {
    expect(headerColumns('\uFEFFEmail, "First_Name",consent_source')).toEqual([
      'email',
      'first_name',
      'consent_source',
    ]);
    expect(missingColumns('email,first_name')).toEqual(['consent_source', 'consent_date']);
  });

  it('sends large files in parts that each repeat the header', () => {
    const parts = csvParts(`h1,h2\n${Array.from({ length: 5 }, (_, i) => `r${i},x`).join('\n')}\n`)!;
    const sent = chunks(parts, 2);
    expect(sent.map((part) => [part.offset, part.count])).toEqual([
      [0, 2],
      [2, 2],
      [4, 1],
    ]);
    expect(sent[1]!.csv).toBe('h1,h2\r\nr2,x\r\nr3,x\r\n');
  });
});

describe('local time in a zone', () => {
  it('converts ordinary times, and both sides of a daylight-saving change', () => {
    expect(zonedToUtc('2026-03-06T20:00', 'America/New_York')).toBe('2026-03-07T01:00:00.000Z');
    expect(zonedToUtc('2026-07-01T09:00', 'America/New_York')).toBe('2026-07-01T13:00:00.000Z');
    expect(zonedToUtc('2026-07-01T09:00', 'Europe/London')).toBe('2026-07-01T08:00:00.000Z');
    expect(zonedToUtc('2026-07-01T09:00', 'UTC')).toBe('2026-07-01T09:00:00.000Z');
  });

  it('moves a time skipped in spring forward by the gap, and takes the first of a repeated autumn time', () => {
    // 02:30 does not exist on 8 March 2026 in New York: it is 03:30 EDT.
    expect(zonedToUtc('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    // 01:30 happens twice on 1 November 2026: first in EDT.
    expect(zonedToUtc('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
  });

  it('gives the wall clock of an instant in a zone', () => {
    expect(nowInZone('Asia/Kolkata', Date.parse('2026-01-01T00:00:00Z'))).toBe('2026-01-01T05:30');
  });
});

describe('where a problem points', () => {
  it('reads step fields in either path style, templates with lines, and settings', () => {
    expect(locate('steps[2].subject')).toEqual({ stepIndex: 2, field: 'subject', line: undefined });
    expect(locate('definition.steps[1].variants[0].weight')).toEqual({
      stepIndex: 1,
      field: 'variants[0].weight',
      line: undefined,
    });
    expect(locate('definition.steps.0.delay')).toEqual({ stepIndex: 0, field: 'delay', line: undefined });
    expect(locate('templates.welcome line 12')).toEqual({ template: 'welcome', line: 12 });
    expect(locate('templates.why-pbme')).toEqual({ template: 'why-pbme', line: undefined });
    expect(locate('definition.sendWindow.end')).toEqual({ field: 'sendWindow.end', line: undefined });
    expect(locate('review')).toEqual({ field: 'review', line: undefined });
  });

  it('describes delays in words', () => {
    expect(describeDelay('PT0S')).toBe('straight away');
    expect(describeDelay('P3D')).toBe('3 days');
    expect(describeDelay('P1WT12H')).toBe('1 week 12 hours');
    expect(describeDelay('soon')).toBe('soon');
  });
});

describe('email preview preparation', () => {
  it('takes out style blocks and turns style attributes into data, leaving the markup', () => {
    const { srcdoc, styles } = prepareEmail(
      '<!doctype html><html><head><style type="text/css">p{color:red}</style><title>a <b> title</title></head>' +
        '<body style="margin:0"><p class="x" style=\'color:blue\' title="style=&quot;x&quot;">Hi</p></body></html>',
    );
    expect(styles).toEqual(['p{color:red}']);
    expect(srcdoc).toBe(
      '<!doctype html><html><head><title>a <b> title</title></head>' +
        '<body data-preview-style="margin:0"><p class="x" data-preview-style=\'color:blue\' title="style=&quot;x&quot;">Hi</p></body></html>',
    );
  });

  it('removes scripts and event attributes, and makes loading or navigating elements inert', () => {
    const { srcdoc } = prepareEmail(
      '<p onclick="steal()" data-x="onload=1">x</p><script>alert(1)</script><SCRIPT src="x.js"></SCRIPT>' +
        '<link rel="stylesheet" href="https://cdn.example/x.css"><meta http-equiv="refresh" content="0;url=https://evil.example">' +
        '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input></form><img src="a.png" onerror="x()">',
    );
    expect(srcdoc).not.toMatch(/<script|<link|<iframe|<form|<meta|\sonclick=|\sonerror=/i);
    expect(srcdoc).toContain('<p data-removed-onclick="steal()" data-x="onload=1">x</p>');
    expect(srcdoc).toContain('<x-removed src="https://evil.example"></x-removed>');
    expect(srcdoc).toContain('<img src="a.png" data-removed-onerror="x()">');
  });

  it('leaves comments, including Outlook conditional ones, untouched', () => {
    const html =
      '<!--[if mso | IE]><table style="width:600px"><tr><td><![endif]--><div style="max-width:600px">x</div>';
    expect(prepareEmail(html).srcdoc).toBe(
      '<!--[if mso | IE]><table style="width:600px"><tr><td><![endif]--><div data-preview-style="max-width:600px">x</div>',
    );
  });
});
