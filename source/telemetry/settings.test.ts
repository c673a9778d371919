// Where telemetry goes and how: opt-in, the protocol and its validation.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadProfile, simProfile } from '../engine/config.ts';
import { telemetrySettings } from './settings.ts';

const block = { tokenEnv: 'LOGFIRE_TOKEN', serviceName: 'td', exportEveryMs: 5_000, bell: false };

describe('telemetry settings', () => {
  it('is off unless configured; an OTLP endpoint from the environment loses its trailing slash', () => {
    expect(telemetrySettings(undefined, {})).toBeNull();
    expect(
      telemetrySettings(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' })!.endpoint,
    ).toBe('http://127.0.0.1:4318');
  });

  it('points a lone LOGFIRE_TOKEN at Logfire', () => {
    const s = telemetrySettings(undefined, { LOGFIRE_TOKEN: 'secret' })!;
    expect(s.endpoint).toBe('https://logfire-api.pydantic.dev');
    expect(s.token).toBe('secret');
  });

  it('speaks http/protobuf unless the profile or OTEL_EXPORTER_OTLP_PROTOCOL asks for http/json; the profile wins', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(telemetrySettings(undefined, env)!.protocol).toBe('http/protobuf');
    expect(telemetrySettings(block, {})!.protocol).toBe('http/protobuf');
    expect(telemetrySettings(undefined, { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: '' })!.protocol).toBe(
      'http/protobuf',
    );
    expect(telemetrySettings(undefined, { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })!.protocol).toBe(
      'http/json',
    );
    expect(telemetrySettings({ ...block, protocol: 'http/json' }, {})!.protocol).toBe('http/json');
    expect(
      telemetrySettings(
        { ...block, protocol: 'http/protobuf' },
        { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      )!.protocol,
    ).toBe('http/protobuf');
  });

  it('refuses any other protocol with one message naming where it came from', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
    expect(() => telemetrySettings(undefined, env)).toThrow(
      new ConfigError(
        'environment OTEL_EXPORTER_OTLP_PROTOCOL: expected "http/protobuf" or "http/json", not "grpc"',
      ),
    );
    expect(() => telemetrySettings(undefined, env)).toThrow(ConfigError);

    const dir = mkdtempSync(join(tmpdir(), 'td-telemetry-'));
    const file = join(dir, 'profile.json');
    writeFileSync(file, JSON.stringify({ ...simProfile(), telemetry: { protocol: 'http/grpc' } }));
    expect(() => loadProfile(file)).toThrow(
      new ConfigError(`config ${file}: field telemetry.protocol: expected "http/protobuf" or "http/json"`),
    );
    writeFileSync(file, JSON.stringify({ ...simProfile(), telemetry: { protocol: 'http/json' } }));
    expect(loadProfile(file).telemetry?.protocol).toBe('http/json');
  });
});
