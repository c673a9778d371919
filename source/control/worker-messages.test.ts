// Snapshots across the worker port: JSON text, the equity curve only when it is a new one, decoded whole.
import { describe, expect, it } from 'vitest';
import { snapshotFixture } from '../ui/fixtures.ts';
import { snapshotDecoder, snapshotEncoder } from './worker-messages.ts';

describe('snapshot messages', () => {
  it('leave an unchanged curve out and give every snapshot its curve back on the other side', () => {
    const encode = snapshotEncoder();
    const decode = snapshotDecoder();
    const first = snapshotFixture();
    const sameCurve = { ...first, seq: first.seq + 1, pnl: { ...first.pnl, equity: '10013.10' } };
    const newCurve = {
      ...sameCurve,
      seq: first.seq + 2,
      pnl: { ...sameCurve.pnl, curve: Object.freeze([...first.pnl.curve.slice(1), 10_013.1]) },
    };

    const m1 = encode(first);
    const m2 = encode(sameCurve);
    const m3 = encode(newCurve);
    expect([m1.sameCurve, m2.sameCurve, m3.sameCurve]).toEqual([undefined, true, undefined]);
    expect(m2.json).not.toContain(String(first.pnl.curve[5]));
    expect(m2.json.length).toBeLessThan(m1.json.length - first.pnl.curve.length * 5);

    // Each decodes to the snapshot that was sent, curve included.
    expect(decode(m1)).toEqual(JSON.parse(JSON.stringify(first)));
    expect(decode(m2)).toEqual(JSON.parse(JSON.stringify(sameCurve)));
    expect(decode(m3)).toEqual(JSON.parse(JSON.stringify(newCurve)));
  });

  it('starts each port afresh: a new encoder sends the curve even if another port already has it', () => {
    const s = snapshotFixture();
    const a = snapshotEncoder();
    a(s);
    expect(a(s).sameCurve).toBe(true);
    const b = snapshotEncoder();
    const m = b(s);
    expect(m.sameCurve).toBeUndefined();
    expect(snapshotDecoder()(m).pnl.curve).toEqual(s.pnl.curve);
  });
});
