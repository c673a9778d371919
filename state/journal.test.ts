import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENESIS, Journal, hashLine, readJournal } from './journal.ts';

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'td-journal-')), 'paper', 'journal.ndjson');
}

describe('Journal', () => {
  it('writes seq from 1 with a SHA-256 chain and continues it after reopening', () => {
    const file = tempFile();
    const j = new Journal(file);
    j.append({ ts: 1, type: 'fill', qty: '0.01' });
    j.append({ ts: 2, type: 'fill', qty: '0.02' });
    j.close();
    const j2 = new Journal(file);
    expect(j2.append({ ts: 3, type: 'funding' })).toBe(3);
    j2.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const recs = lines.map((l) => JSON.parse(l));
    expect(recs.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(recs[0].prev).toBe(GENESIS);
    expect(recs[1].prev).toBe(hashLine(lines[0]));
    expect(recs[2].prev).toBe(hashLine(lines[1]));
    expect(Object.keys(recs[0])[0]).toBe('seq');
    expect(Object.keys(recs[0]).at(-1)).toBe('prev');
    expect(readJournal(file)).toHaveLength(3);
  });

  it('names the line of an edit, a missing line and a torn tail', () => {
    const file = tempFile();
    const j = new Journal(file);
    for (let i = 0; i < 4; i++) j.append({ ts: i, qty: '1' });
    j.close();
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('"ts":2,"qty":"1"', '"ts":2,"qty":"2"'));
    expect(() => readJournal(file)).toThrow(/journal.ndjson:4: prev does not match/);
    const lines = good.trimEnd().split('\n');
    writeFileSync(file, [lines[0], lines[2], lines[3]].join('\n') + '\n');
    expect(() => readJournal(file)).toThrow(/:2: seq 3 where 2 was expected/);
    writeFileSync(file, good + '{"seq":5,"ts"');
    expect(() => readJournal(file)).toThrow(/:5: last line is torn/);
  });
});
