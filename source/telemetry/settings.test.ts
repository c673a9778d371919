// Where telemetry goes and how: opt-in, the Logfire region a token names, the protocol and its validation, the token kept secret.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '../core/redact.ts';
import { ConfigError, loadProfile, simProfile } from '../engine/config.ts';
import { logfireEndpoint } from './logfire-region.ts';
import { telemetrySettings } from './settings.ts';

const block = { tokenEnv: 'LOGFIRE_TOKEN', serviceName: 'td', exportEveryMs: 5_000, bell: false };

describe('telemetry settings', () => {
  it('is off unless configured; an OTLP endpoint from the environment loses its trailing slash', () => {
    expect(telemetrySettings(undefined, {})).toBeNull();
    expect(
      telemetrySettings(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' })!.endpoint,
    ).toBe('http://127.0.0.1:4318');
  });

  it('sends a Logfire token to the region it names, and the US when it names none Logfire knows', () => {
    expect(logfireEndpoint('pylf_v1_us_abcdefABCDEF0123456789')).toBe('https://logfire-us.pydantic.dev');
    expect(logfireEndpoint('pylf_v1_eu_abcdefABCDEF0123456789')).toBe('https://logfire-eu.pydantic.dev');
    expect(logfireEndpoint('pylf_v2_eu_0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f_abcdef012345')).toBe(
      'https://logfire-eu.pydantic.dev',
    );
    // Before regions, and regions Logfire may add later: the US, as Logfire's SDK does.
    expect(logfireEndpoint('abcdefABCDEF0123456789abcdef')).toBe('https://logfire-us.pydantic.dev');
    expect(logfireEndpoint('pylf_v1_ap_abcdefABCDEF0123456789')).toBe('https://logfire-us.pydantic.dev');
    expect(logfireEndpoint('pylf_v1_EU_abcdefABCDEF0123456789')).toBe('https://logfire-us.pydantic.dev');

    const eu = telemetrySettings(undefined, { LOGFIRE_TOKEN: 'pylf_v1_eu_settingsTestToken01' })!;
    expect(eu.endpoint).toBe('https://logfire-eu.pydantic.dev');
    expect(eu.token).toBe('pylf_v1_eu_settingsTestToken01');
    const old = telemetrySettings(block, { LOGFIRE_TOKEN: 'settingsTestTokenWithoutRegion' })!;
    expect(old.endpoint).toBe('https://logfire-us.pydantic.dev');
    // An endpoint named anywhere wins over the token's region.
    expect(
      telemetrySettings(
        { ...block, endpoint: 'https://collector.example.com/' },
        { LOGFIRE_TOKEN: 'pylf_v1_eu_settingsTestToken02' },
      )!.endpoint,
    ).toBe('https://collector.example.com');
    expect(
      telemetrySettings(undefined, {
        LOGFIRE_TOKEN: 'pylf_v1_eu_settingsTestToken03',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      })!.endpoint,
    ).toBe('http://127.0.0.1:4318');
  });

  it('blanks the token wherever it would be printed', () => {
    const token = 'pylf_v1_us_settingsTestSecret99';
    telemetrySettings(block, { LOGFIRE_TOKEN: token });
    expect(redact(`Logfire said 401 for ${token}`)).toBe('Logfire said 401 for [redacted]');
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
