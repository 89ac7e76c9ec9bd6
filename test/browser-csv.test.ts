/** The demo page's CSV reader (web/src/csv.ts), in Node: quoting, line ends, numeric and skipped columns, errors. */
import { describe, expect, it } from 'vitest';
import { csvRecords, parseCsv } from '../web/src/csv.js';
import { isSlimfitError } from '../src/errors.js';

describe('the demo page CSV reader', () => {
  it('reads quoted fields, doubled quotes, CRLF and a byte-order mark; skips blank lines', () => {
    expect(csvRecords('\ufeffa,b\r\n"x, ""y""",2\n\n3,"line\nbreak"\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', '2'],
      ['3', 'line\nbreak'],
    ]);
  });

  it('keeps numeric columns as Float64Arrays and names the others', () => {
    const t = parseCsv('id,name,score,y\n1,ann,0.5,1\n2,bob,-1e-3,0\n3,cy,,1\n');
    expect(t.rows).toBe(3);
    expect([...t.columns.keys()]).toEqual(['id', 'y']);
    expect([...t.columns.get('id')!]).toEqual([1, 2, 3]);
    expect(t.skipped).toEqual(['name', 'score']); // an empty cell is not a number
  });

  it.each([
    ['a,b\n1\n', /data row 1 has 1 fields/],
    ['a,a\n1,2\n', /appears twice/],
    ['a,\n1,2\n', /column 2 has no name/],
    ['a,b\n"1,2\n', /never closed/],
    ['a,b\n', /at least one data row/],
  ])('refuses %j with E_FORMAT', (text, msg) => {
    let err: unknown;
    try {
      parseCsv(text);
    } catch (e) {
      err = e;
    }
    expect(isSlimfitError(err) && err.code).toBe('E_FORMAT');
    expect((err as Error).message).toMatch(msg);
  });
});
