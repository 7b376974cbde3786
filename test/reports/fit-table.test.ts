import { describe, expect, it } from 'vitest';
import { fitTable } from '../../src/reports/fit-table.js';

const style = { head: [], border: [] };
const lines = (t: string) => t.split('\n');

describe('a table at 80 columns', () => {
  const names = ['engine-latency-portfolio', 'engine-latency-marketdata', 'engine-latency-collateral'];
  const rows = names.map((n) => [n, `GET http://127.0.0.1:44817/api/v2/health?check=deep&verbose=1`, '200 x375', 'none']);
  const cols = [{ head: 'Result', wrap: true }, { head: 'Loaded', wrap: true }, { head: 'Status codes' }, { head: 'Errors by cause' }];

  it('never breaks a name: a URL gives way instead, after a /', () => {
    const t = fitTable(cols, rows, 80, style);
    for (const l of lines(t)) expect([...l].length, l).toBeLessThanOrEqual(80);
    for (const n of names) expect(t, `${n} whole`).toContain(` ${n} `);
    // The URL's pieces, read in order, are the URL whole: it was only cut into lines.
    const at = lines(t).findIndex((l) => l.includes('engine-latency-portfolio'));
    const cells: string[] = [];
    for (const l of lines(t).slice(at)) {
      if (cells.length && l.split('│')[1]?.trim()) break; // the next row
      cells.push(l.split('│')[2].trim());
    }
    expect(cells.join('')).toBe('GET http://127.0.0.1:44817/api/v2/health?check=deep&verbose=1');
    expect(cells.length).toBeGreaterThan(1);
  });

  it('where even that cannot fit, the lowest-priority columns go, and the table says which', () => {
    const t = fitTable(
      [...cols, { head: 'Extra detail here', drop: 1 }],
      rows.map((r) => [...r, 'x'.repeat(30)]),
      80,
      style,
    );
    expect(t).toContain('(not shown at 80 columns: Extra detail here;');
    for (const n of names) expect(t).toContain(` ${n} `);
  });
});
