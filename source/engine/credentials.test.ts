import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redact } from '../core/redact.ts';
import { ConfigError } from './config.ts';
import { Credentials } from './credentials.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'td-keys-'));

function keyFile(content: string, mode: number): { file: string; dataDir: string } {
  const dataDir = dir();
  const file = join(dataDir, 'keys.json');
  writeFileSync(file, content);
  chmodSync(file, mode);
  return { file, dataDir };
}

describe('credentials', () => {
  it('reads a 0600 key file and the environment, the environment winning per field', () => {
    const { file, dataDir } = keyFile(
      JSON.stringify({ binance: { apiKey: 'file-key-000', secret: 'file-secret-000' } }),
      0o600,
    );
    const c = Credentials.load({
      venues: ['binance', 'hyperliquid'],
      env: {
        TRADEDESK_BINANCE_SECRET: 'env-secret-111',
        TRADEDESK_HYPERLIQUID_PRIVATE_KEY: '0xabcdef0123456789',
      },
      keyFile: file,
      dataDir,
    });
    expect(c.reveal('binance')).toEqual({ apiKey: 'file-key-000', secret: 'env-secret-111' });
    expect(c.reveal('hyperliquid')).toEqual({ privateKey: '0xabcdef0123456789' });
    expect(c.has('okx')).toBe(false);
  });

  it('finds DATA_DIR/keys.json on its own, and nothing when there is none', () => {
    const { dataDir } = keyFile(
      JSON.stringify({ okx: { apiKey: 'okx-key-0000', secret: 'okx-secret-00', password: 'okx-pass-000' } }),
      0o600,
    );
    expect(Credentials.load({ venues: [], env: {}, dataDir }).venues).toEqual(['okx']);
    expect(Credentials.load({ venues: ['binance'], env: {}, dataDir: dir() }).venues).toEqual([]);
  });

  it('refuses a key file others can read, saying how to fix it', () => {
    const { file, dataDir } = keyFile('{}', 0o644);
    expect(() => Credentials.load({ venues: [], env: {}, keyFile: file, dataDir })).toThrow(
      new ConfigError(`key file ${file}: mode 0644 lets others read it; run chmod 600 ${file}`),
    );
  });

  it('names bad fields without echoing any value', () => {
    const bad = keyFile('{"binance": {"apiKey": "SECRET-VALUE-1", "secert": "SECRET-VALUE-2"}}', 0o600);
    expect(() => Credentials.load({ venues: [], env: {}, keyFile: bad.file, dataDir: bad.dataDir })).toThrow(
      /field binance\.secert: unknown \(expected one of apiKey, secret, password, uid, walletAddress, privateKey\)$/,
    );
    const broken = keyFile('{"binance": {"apiKey": "SECRET-VALUE-3"', 0o600);
    try {
      Credentials.load({ venues: [], env: {}, keyFile: broken.file, dataDir: broken.dataDir });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(`key file ${broken.file}: not valid JSON`);
    }
  });

  it('never shows its values when printed, and blanks them in any text', () => {
    const { file, dataDir } = keyFile(
      JSON.stringify({ binance: { apiKey: 'visible-key-42', secret: 'hidden-secret-42' } }),
      0o600,
    );
    const c = Credentials.load({ venues: ['binance'], env: {}, keyFile: file, dataDir });
    expect(JSON.stringify({ c })).toBe('{"c":"[credentials for binance: redacted]"}');
    expect(inspect(c)).not.toMatch(/hidden-secret-42|visible-key-42/);
    expect(redact('binance said: bad signature for hidden-secret-42 / visible-key-42')).toBe(
      'binance said: bad signature for [redacted] / [redacted]',
    );
  });
});
