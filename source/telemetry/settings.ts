// Where telemetry goes and how, from the profile's `telemetry` block and the standard environment variables.
import type { Severity } from '../control/protocol.ts';
import { registerSecret } from '../core/redact.ts';
import { ConfigError } from '../engine/config.ts';
import { logfireEndpoint } from './logfire-region.ts';
import { OTLP_PROTOCOLS, isOtlpProtocol, type OtlpProtocol } from './otlp-protocol.ts';

/** The profile's block, as config.ts validates it. */
export interface TelemetryConfig {
  endpoint?: string;
  protocol?: OtlpProtocol;
  tokenEnv: string;
  serviceName: string;
  exportEveryMs: number;
  webhook?: { url: string; minSeverity: Severity };
  bell: boolean;
}

export interface TelemetrySettings {
  /** OTLP/HTTP base URL (…/v1/metrics, /v1/logs, /v1/traces are appended); null: no OTLP export. */
  endpoint: string | null;
  protocol: OtlpProtocol;
  /** Sent as the Authorization header (Logfire's write token); never printed. */
  token: string | null;
  serviceName: string;
  exportEveryMs: number;
  webhook: { url: string; minSeverity: Severity } | null;
  bell: boolean;
}

/**
 * Opt-in: nothing is exported unless the profile has a `telemetry` block or the environment names an
 * endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) or a Logfire token (LOGFIRE_TOKEN, then the token's Logfire region is the endpoint).
 * Throws ConfigError when OTEL_EXPORTER_OTLP_PROTOCOL names a protocol other than http/protobuf or http/json.
 */
export function telemetrySettings(
  config: TelemetryConfig | undefined,
  env: NodeJS.ProcessEnv = process.env,
): TelemetrySettings | null {
  const tokenEnv = config?.tokenEnv ?? 'LOGFIRE_TOKEN';
  const token = env[tokenEnv] || null;
  // Blanked from every alert and error from here on, whether or not anything is exported.
  if (token !== null) registerSecret(token);
  const endpoint =
    config?.endpoint ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? (token !== null ? logfireEndpoint(token) : null);
  if (!config && endpoint === null) return null;
  return {
    endpoint: endpoint ? endpoint.replace(/\/+$/, '') : null,
    protocol: protocolOf(config, env),
    token,
    serviceName: config?.serviceName ?? env.OTEL_SERVICE_NAME ?? 'tradedesk',
    exportEveryMs: config?.exportEveryMs ?? 5_000,
    webhook: config?.webhook ?? null,
    bell: config?.bell ?? true,
  };
}

const EXPECTED = `expected ${OTLP_PROTOCOLS.map((p) => `"${p}"`).join(' or ')}`;

/** The profile's choice (config.ts validated it) over the environment's, as OpenTelemetry ranks code over env; else protobuf. */
function protocolOf(config: TelemetryConfig | undefined, env: NodeJS.ProcessEnv): OtlpProtocol {
  if (config?.protocol) return config.protocol;
  const fromEnv = env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (fromEnv) {
    if (!isOtlpProtocol(fromEnv))
      throw new ConfigError(`environment OTEL_EXPORTER_OTLP_PROTOCOL: ${EXPECTED}, not "${fromEnv}"`);
    return fromEnv;
  }
  return OTLP_PROTOCOLS[0];
}
