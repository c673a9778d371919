// Hyperliquid's request signatures, as its exchange endpoint checks them: L1 actions are msgpack-hashed into a
// phantom "Agent" EIP-712 message; user-signed actions (approvals, transfers) are EIP-712 messages of their own.
import { encode as msgpack } from '@msgpack/msgpack';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

export interface Signature {
  r: string;
  s: string;
  v: number;
}

type FieldType = 'string' | 'address' | 'uint64' | 'uint256' | 'bool' | 'bytes32';
export type TypedField = { name: string; type: FieldType };

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const DOMAIN_FIELDS: TypedField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
];
const AGENT_FIELDS: TypedField[] = [
  { name: 'source', type: 'string' },
  { name: 'connectionId', type: 'bytes32' },
];
/** L1 actions are signed for this domain whatever the chain; the source letter tells mainnet from testnet. */
const L1_CHAIN_ID = 1337;

/** The fields of each user-signed action Hyperliquid accepts here, in its signing order. */
export const USER_SIGNED_TYPES: Readonly<Record<string, { primaryType: string; fields: TypedField[] }>> = {
  approveBuilderFee: {
    primaryType: 'HyperliquidTransaction:ApproveBuilderFee',
    fields: [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'maxFeeRate', type: 'string' },
      { name: 'builder', type: 'address' },
      { name: 'nonce', type: 'uint64' },
    ],
  },
  approveAgent: {
    primaryType: 'HyperliquidTransaction:ApproveAgent',
    fields: [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'agentAddress', type: 'address' },
      { name: 'agentName', type: 'string' },
      { name: 'nonce', type: 'uint64' },
    ],
  },
};

export function hexToBytes(hex: string): Uint8Array {
  const h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new RangeError(`not hex: ${hex}`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '0x';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function uint(value: bigint, bytes: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(8 * bytes)) throw new RangeError(`out of range: ${value}`);
  return hexToBytes(value.toString(16).padStart(2 * bytes, '0'));
}

/** A 20-byte address from "0x…" (any case) or bare hex. */
export function addressBytes(address: string): Uint8Array {
  const b = hexToBytes(address);
  if (b.length !== 20) throw new RangeError(`not an address: ${address}`);
  return b;
}

/** keccak(msgpack(action) ‖ nonce u64 ‖ vault flag [‖ vault] [‖ 0x00 ‖ expiresAfter u64]): the L1 connection id. */
export function actionHash(
  action: unknown,
  nonce: number,
  vaultAddress?: string | null,
  expiresAfter?: number | null,
): Uint8Array {
  const parts = [msgpack(action), uint(BigInt(nonce), 8)];
  if (vaultAddress === undefined || vaultAddress === null) parts.push(new Uint8Array([0]));
  else parts.push(new Uint8Array([1]), addressBytes(vaultAddress));
  if (expiresAfter !== undefined && expiresAfter !== null)
    parts.push(new Uint8Array([0]), uint(BigInt(expiresAfter), 8));
  return keccak_256(concat(parts));
}

function typeString(primaryType: string, fields: TypedField[]): string {
  return `${primaryType}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;
}

function encodeField(type: FieldType, value: unknown): Uint8Array {
  switch (type) {
    case 'string':
      return keccak_256(new TextEncoder().encode(String(value)));
    case 'bytes32': {
      const b = value instanceof Uint8Array ? value : hexToBytes(String(value));
      if (b.length !== 32) throw new RangeError('bytes32 must be 32 bytes');
      return b;
    }
    case 'address':
      return concat([new Uint8Array(12), addressBytes(String(value))]);
    case 'bool':
      return uint(value === true ? 1n : 0n, 32);
    case 'uint64':
    case 'uint256':
      return uint(BigInt(value as number | string | bigint), 32);
  }
}

function structHash(primaryType: string, fields: TypedField[], message: Record<string, unknown>): Uint8Array {
  const typeHash = keccak_256(new TextEncoder().encode(typeString(primaryType, fields)));
  return keccak_256(concat([typeHash, ...fields.map((f) => encodeField(f.type, message[f.name]))]));
}

function typedDataDigest(
  domain: { name: string; version: string; chainId: number; verifyingContract: string },
  primaryType: string,
  fields: TypedField[],
  message: Record<string, unknown>,
): Uint8Array {
  const domainSeparator = structHash('EIP712Domain', DOMAIN_FIELDS, domain);
  return keccak_256(
    concat([new Uint8Array([0x19, 0x01]), domainSeparator, structHash(primaryType, fields, message)]),
  );
}

/** The digest an L1 action's signature covers. */
export function l1Digest(connectionId: Uint8Array, mainnet: boolean): Uint8Array {
  return typedDataDigest(
    { name: 'Exchange', version: '1', chainId: L1_CHAIN_ID, verifyingContract: ZERO_ADDRESS },
    'Agent',
    AGENT_FIELDS,
    { source: mainnet ? 'a' : 'b', connectionId },
  );
}

/** The digest a user-signed action's signature covers; the chain id is the one the action names. */
export function userSignedDigest(
  primaryType: string,
  fields: TypedField[],
  message: Record<string, unknown>,
  signatureChainId: number,
): Uint8Array {
  return typedDataDigest(
    {
      name: 'HyperliquidSignTransaction',
      version: '1',
      chainId: signatureChainId,
      verifyingContract: ZERO_ADDRESS,
    },
    primaryType,
    fields,
    message,
  );
}

function addressOfPoint(uncompressed: Uint8Array): string {
  return bytesToHex(keccak_256(uncompressed.slice(1)).slice(-20));
}

/** The lowercase address that signed `digest`, or null when (r, s, v) is not a valid signature at all. */
export function recoverSigner(digest: Uint8Array, sig: Signature): string | null {
  try {
    const r = BigInt(sig.r);
    const s = BigInt(sig.s);
    const v = Number(sig.v);
    const recovery = v >= 27 ? v - 27 : v;
    if (recovery !== 0 && recovery !== 1) return null;
    const compact = concat([uint(r, 32), uint(s, 32)]);
    const point = secp256k1.Signature.fromBytes(compact, 'compact')
      .addRecoveryBit(recovery)
      .recoverPublicKey(digest);
    return addressOfPoint(point.toBytes(false));
  } catch {
    return null;
  }
}

export function addressOf(privateKey: string): string {
  return addressOfPoint(secp256k1.getPublicKey(hexToBytes(privateKey), false));
}

export function signDigest(digest: Uint8Array, privateKey: string): Signature {
  const bytes = secp256k1.sign(digest, hexToBytes(privateKey), { prehash: false, format: 'recovered' });
  const sig = secp256k1.Signature.fromBytes(bytes, 'recovered');
  return {
    r: `0x${sig.r.toString(16).padStart(64, '0')}`,
    s: `0x${sig.s.toString(16).padStart(64, '0')}`,
    v: 27 + (sig.recovery ?? 0),
  };
}

/** Sign an L1 action as the Python SDK and ccxt do (for tests and tools that talk to the loopback). */
export function signL1Action(
  privateKey: string,
  action: unknown,
  nonce: number,
  mainnet = true,
  vaultAddress?: string | null,
  expiresAfter?: number | null,
): Signature {
  return signDigest(l1Digest(actionHash(action, nonce, vaultAddress, expiresAfter), mainnet), privateKey);
}

/** Sign a user-signed action (its `type` picks the EIP-712 fields); signatureChainId is read from the action. */
export function signUserAction(privateKey: string, action: Record<string, unknown>): Signature {
  const spec = USER_SIGNED_TYPES[String(action.type)];
  if (!spec) throw new RangeError(`not a user-signed action: ${String(action.type)}`);
  const chainId = Number(BigInt(String(action.signatureChainId)));
  return signDigest(userSignedDigest(spec.primaryType, spec.fields, action, chainId), privateKey);
}
