// The protobuf wire format, just the part OTLP needs: varints, 64-bit fixed fields, doubles and length-delimited fields.
const VARINT = 0;
const I64 = 1;
const LEN = 2;

/** Bytes a varint of a non-negative number below 2^53 takes. */
function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size += 1;
  }
  return size;
}

export class ProtobufWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private readonly text = new TextEncoder();

  /** An unsigned varint field (uint32, enum, bool); `value` must be a non-negative safe integer. */
  uint(field: number, value: number): this {
    this.tag(field, VARINT);
    this.rawVarint(value);
    return this;
  }

  /** An int64 varint field: negatives as their 64-bit two's complement, ten bytes, as the format says. */
  int64(field: number, value: number): this {
    if (value >= 0) return this.uint(field, value);
    this.tag(field, VARINT);
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  bool(field: number, value: boolean): this {
    return this.uint(field, value ? 1 : 0);
  }

  /** A fixed64 or sfixed64 field: eight bytes, little-endian. */
  fixed64(field: number, value: bigint): this {
    this.tag(field, I64);
    this.reserve(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, value), true);
    this.pos += 8;
    return this;
  }

  double(field: number, value: number): this {
    this.tag(field, I64);
    this.reserve(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  string(field: number, value: string): this {
    // At most three UTF-8 bytes per UTF-16 unit; the length prefix is written once the size is known.
    return this.message(field, () => {
      this.reserve(value.length * 3);
      this.pos += this.text.encodeInto(value, this.buf.subarray(this.pos)).written;
    });
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LEN);
    this.rawVarint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** A nested message (or any length-delimited field) written by `body` in place, then prefixed with its length. */
  message(field: number, body: () => void): this {
    this.tag(field, LEN);
    const start = this.pos;
    body();
    const length = this.pos - start;
    const prefix = varintSize(length);
    this.reserve(prefix);
    this.buf.copyWithin(start + prefix, start, this.pos);
    const end = this.pos + prefix;
    this.pos = start;
    this.varintInPlace(length);
    this.pos = end;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(n: number): void {
    this.reserve(10);
    this.varintInPlace(n);
  }

  /** Into room already reserved. */
  private varintInPlace(n: number): void {
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
}
