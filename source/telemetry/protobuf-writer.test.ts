// The wire format byte for byte, against the examples in protobuf's encoding guide and hand-worked cases.
import { describe, expect, it } from 'vitest';
import { ProtobufWriter } from './protobuf-writer.ts';

const hex = (w: ProtobufWriter) => Buffer.from(w.finish()).toString('hex');

describe('ProtobufWriter', () => {
  it('writes a varint field: field 1 = 150 is 08 96 01', () => {
    expect(hex(new ProtobufWriter().uint(1, 150))).toBe('089601');
  });

  it('writes a string field: field 2 = "testing" is 12 07 and the bytes', () => {
    expect(hex(new ProtobufWriter().string(2, 'testing'))).toBe(
      '1207' + Buffer.from('testing').toString('hex'),
    );
  });

  it('writes a negative int64 as ten bytes of two’s complement', () => {
    expect(hex(new ProtobufWriter().int64(3, -1))).toBe('18' + 'ff'.repeat(9) + '01');
  });

  it('writes fixed64 and double little-endian under wire type 1', () => {
    expect(hex(new ProtobufWriter().fixed64(2, 1_000_000_000n))).toBe('1100ca9a3b00000000');
    expect(hex(new ProtobufWriter().double(4, 1))).toBe('21000000000000f03f');
  });

  it('prefixes a nested message with its length, also past one length byte', () => {
    expect(hex(new ProtobufWriter().message(3, () => undefined))).toBe('1a00');
    const w = new ProtobufWriter();
    w.message(1, () => w.string(1, 'é'.repeat(100)));
    // 200 bytes of text, 203 with its own tag and length: 0xcb 0x01.
    expect(hex(w).slice(0, 12)).toBe('0acb010ac801');
    expect(w.finish()).toHaveLength(206);
  });

  it('grows past its first buffer without losing what it wrote', () => {
    const w = new ProtobufWriter();
    const long = 'abc'.repeat(2_000);
    w.message(1, () => {
      w.uint(1, 7);
      w.string(2, long);
    });
    const bytes = Buffer.from(w.finish());
    expect(bytes.subarray(bytes.length - 6_000).toString()).toBe(long);
    expect(bytes.subarray(0, 6).toString('hex')).toBe('0af52e0807' + '12');
  });
});
