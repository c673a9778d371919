import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  GENESIS,
  Journal,
  hashLine,
  journalHeadFile,
  readJournal,
  readJournalText,
  setAsideFiles,
} from './journal.ts';
import { closedSegments } from './segments.ts';

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
    // The chain is plain SHA-256 of each line's text, hex (FIPS 180-2's "abc" vector), whichever way Node hashes.
    expect(hashLine('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // The head left at close names the last line's hash, though that hash is computed only when needed.
    expect(JSON.parse(readFileSync(journalHeadFile(file), 'utf8'))).toEqual({
      seq: 3,
      hash: hashLine(lines[2]),
    });
    expect(Object.keys(recs[0])[0]).toBe('seq');
    expect(Object.keys(recs[0]).at(-1)).toBe('prev');
    expect(readJournal(file)).toHaveLength(3);
  });

  it('writes the same lines whether a line is hashed at settle or when the next one needs it', () => {
    const records = [
      {
        ts: 1,
        type: 'order',
        orderId: 'arb-1',
        qty: '0.01',
        price: '63991.5',
        note: 'say "hi"\n',
        reduceOnly: false,
      },
      { ts: 2, type: 'fill', qty: '0.01', fee: null, gone: undefined },
      {},
      { ts: 3, type: 'state', reason: 'é ✓' },
    ];
    const write = (settle: boolean) => {
      const file = tempFile();
      const j = new Journal(file);
      for (const r of records) {
        j.append(r);
        if (settle) j.settle();
      }
      j.close();
      return readFileSync(file, 'utf8');
    };
    const settled = write(true);
    expect(settled).toBe(write(false));
    const lines = settled.trimEnd().split('\n');
    // Each line is the record's own JSON between seq and prev, however its fields are spelled.
    lines.forEach((line, i) => {
      const { seq, prev, ...rest } = JSON.parse(line);
      expect(seq).toBe(i + 1);
      expect(prev).toBe(i === 0 ? GENESIS : hashLine(lines[i - 1]));
      expect(JSON.stringify(rest)).toBe(JSON.stringify(records[i]));
    });
    expect(lines[2]).toBe(`{"seq":3,"prev":"${hashLine(lines[1])}"}`);
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

const DAY = 86_400_000;

describe('Journal segments', () => {
  it('rotates by size into gzip segments and the chain runs on across them', () => {
    const file = tempFile();
    const j = new Journal(file, { fsync: 'none', segmentBytes: 4096 });
    for (let i = 0; i < 200; i++) j.append({ ts: 1000 + i, type: 'fill', qty: '0.01', note: 'x'.repeat(40) });
    j.close();
    const closed = closedSegments(file);
    expect(closed.length).toBeGreaterThan(3);
    expect(closed[0]).toMatch(/journal\.000001\.ndjson\.gz$/);
    // Compressed: each closed segment is gzip and smaller than the bytes it holds.
    for (const seg of closed) {
      const raw = readFileSync(seg);
      expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
      expect(gunzipSync(raw).length).toBeLessThanOrEqual(4096);
      expect(raw.length).toBeLessThan(gunzipSync(raw).length);
    }
    const lines = readJournal(file);
    expect(lines.map((l) => l.record.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // The first line of the second segment chains to the last line of the first.
    const firstOfSecond = lines.findIndex((l) => l.file === closed[1]);
    expect(lines[firstOfSecond].line).toBe(1);
    expect(lines[firstOfSecond].record.prev).toBe(hashLine(lines[firstOfSecond - 1].text));
    expect(readJournalText(file)).toBe(lines.map((l) => l.text + '\n').join(''));
    // Reopening continues the chain in the active segment.
    const again = new Journal(file, { fsync: 'none', segmentBytes: 4096 });
    expect(again.append({ ts: 5000, type: 'funding' })).toBe(201);
    again.close();
    expect(readJournal(file).at(-1)!.record.prev).toBe(hashLine(lines[199].text));
  });

  it('rotates when a line falls on a later UTC day, and names the segment of a bad line', () => {
    const file = tempFile();
    const j = new Journal(file, { fsync: 'none', rotateDaily: true });
    j.append({ ts: 3 * DAY - 2, type: 'fill' });
    j.append({ ts: 3 * DAY - 1, type: 'fill' });
    j.append({ ts: 3 * DAY, type: 'fill' });
    j.append({ ts: 3 * DAY + 5, type: 'state' });
    j.close();
    const closed = closedSegments(file);
    expect(closed).toHaveLength(1);
    expect(gunzipSync(readFileSync(closed[0])).toString().trimEnd().split('\n')).toHaveLength(2);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(2);
    expect(readJournal(file)).toHaveLength(4);
    // An edit inside a closed segment is named by that segment's file and line.
    const text = gunzipSync(readFileSync(closed[0])).toString();
    writeFileSync(closed[0], gzipSync(text.replace(`"ts":${3 * DAY - 2}`, `"ts":${3 * DAY - 7}`)));
    expect(() => readJournal(file)).toThrow(/journal\.000001\.ndjson\.gz:2: prev does not match/);
  });

  it('a crash between sealing a segment and removing the active file loses and repeats nothing', () => {
    const file = tempFile();
    const j = new Journal(file);
    j.append({ ts: 1, type: 'fill' });
    j.close();
    const text = readFileSync(file, 'utf8');
    writeFileSync(file.replace('journal.ndjson', 'journal.000001.ndjson.gz'), gzipSync(text));
    const again = new Journal(file);
    expect(again.append({ ts: 2, type: 'fill' })).toBe(2);
    again.close();
    expect(readJournal(file).map((l) => l.record.seq)).toEqual([1, 2]);
  });
});

describe('a torn last line', () => {
  it.each([
    ['without its newline', '{"seq":4,"ts":3,"ty'],
    ['unparsable with a newline', '{"seq":4,"ts":3,"ty\n'],
  ])('%s is set aside into a side file on open, reported, and the chain continues', (_what, tail) => {
    const file = tempFile();
    const j = new Journal(file);
    for (let i = 0; i < 3; i++) j.append({ ts: i, type: 'fill' });
    j.close();
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good + tail);
    const again = new Journal(file);
    expect(again.setAside).toHaveLength(1);
    const torn = again.setAside[0];
    expect(torn.line).toBe(4);
    expect(torn.journal).toBe(file);
    expect(readFileSync(torn.file, 'utf8')).toBe(tail);
    expect(setAsideFiles(file)).toEqual([torn.file]);
    // The journal is back to its last good line: nothing dropped silently, nothing merged.
    expect(readFileSync(file, 'utf8')).toBe(good);
    expect(again.append({ ts: 9, type: 'fill' })).toBe(4);
    again.close();
    expect(readJournal(file)).toHaveLength(4);
    expect(new Journal(file).setAside).toEqual([]);
  });
});

describe('the fsync policy', () => {
  it('reaches the journal from the profile, every fill by default, none for a replay', async () => {
    const { buildDesk } = await import('../source/engine/build.ts');
    const { profileSchema, simProfile } = await import('../source/engine/config.ts');
    const { SimClock } = await import('../source/core/clock.ts');
    const { SimMarket } = await import('../gateways/sim/market.ts');
    const instruments = new SimMarket({ seed: 1, startTs: 0 }).instruments;
    const desk = (journal: unknown, fsync?: 'none') =>
      buildDesk({
        profile: profileSchema.parse({ ...simProfile(), journal }),
        clock: new SimClock(0),
        storeDir: join(mkdtempSync(join(tmpdir(), 'td-fsync-')), 'paper'),
        mode: 'paper',
        liveAllowed: false,
        instruments,
        fsync,
      }).journal;
    expect(desk(undefined).fsync).toBe('every-fill');
    expect(desk({ fsync: 'every-line' }).fsync).toBe('every-line');
    expect(desk({ fsync: 'every-line' }, 'none').fsync).toBe('none');
    expect(() => profileSchema.parse({ ...simProfile(), journal: { fsync: 'sometimes' } })).toThrow();
  });
});
