// Venue credentials: from the environment or a key file only readable by its owner; never printed, never stored.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { registerSecret } from '../core/redact.ts';
import { ConfigError } from './config.ts';

/** ccxt's constructor fields for a venue's keys. */
export type VenueKeys = Partial<Record<(typeof FIELDS)[number], string>>;

const FIELDS = ['apiKey', 'secret', 'password', 'uid', 'walletAddress', 'privateKey'] as const;

/** TRADEDESK_<VENUE>_<FIELD>, e.g. TRADEDESK_BINANCE_API_KEY, TRADEDESK_HYPERLIQUID_PRIVATE_KEY. */
const ENV_SUFFIX: Record<(typeof FIELDS)[number], string> = {
  apiKey: 'API_KEY',
  secret: 'SECRET',
  password: 'PASSWORD',
  uid: 'UID',
  walletAddress: 'WALLET',
  privateKey: 'PRIVATE_KEY',
};

export interface CredentialSources {
  venues: string[];
  env: NodeJS.ProcessEnv;
  /** An explicit key file (--keys or TRADEDESK_KEYS_FILE); otherwise DATA_DIR/keys.json when it exists. */
  keyFile?: string;
  dataDir: string;
}

export class Credentials {
  private constructor(private readonly byVenue: Map<string, VenueKeys>) {}

  static load(o: CredentialSources): Credentials {
    const byVenue = new Map<string, VenueKeys>();
    const explicit = o.keyFile ?? o.env.TRADEDESK_KEYS_FILE;
    const file = explicit ?? join(o.dataDir, 'keys.json');
    if (explicit !== undefined || existsSync(file)) {
      for (const [venue, keys] of Object.entries(readKeyFile(file))) byVenue.set(venue, keys);
    }
    for (const venue of o.venues) {
      const prefix = `TRADEDESK_${venue.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
      const fromEnv: VenueKeys = {};
      for (const field of FIELDS) {
        const v = o.env[prefix + ENV_SUFFIX[field]];
        if (v) fromEnv[field] = v;
      }
      if (Object.keys(fromEnv).length > 0) byVenue.set(venue, { ...byVenue.get(venue), ...fromEnv });
    }
    for (const keys of byVenue.values()) for (const v of Object.values(keys)) if (v) registerSecret(v);
    return new Credentials(byVenue);
  }

  has(venue: string): boolean {
    return this.byVenue.has(venue);
  }

  get venues(): string[] {
    return [...this.byVenue.keys()];
  }

  /** The keys for a ccxt constructor. Hand them to the client and nowhere else. */
  reveal(venue: string): VenueKeys | undefined {
    return this.byVenue.get(venue);
  }

  toJSON(): string {
    return `[credentials for ${this.venues.join(', ') || 'no venue'}: redacted]`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

/** A key file must be the owner's alone (mode 0600): otherwise refuse, and say how to fix it. */
function readKeyFile(file: string): Record<string, VenueKeys> {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (e) {
    throw new ConfigError(
      `key file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if ((mode & 0o077) !== 0)
    throw new ConfigError(
      `key file ${file}: mode ${mode.toString(8).padStart(4, '0')} lets others read it; run chmod 600 ${file}`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Never echo the parser's message: it may quote the file's content.
    throw new ConfigError(`key file ${file}: not valid JSON`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(
      `key file ${file}: expected an object of venues, e.g. {"binance": {"apiKey": …, "secret": …}}`,
    );
  const out: Record<string, VenueKeys> = {};
  for (const [venue, keys] of Object.entries(raw)) {
    if (!keys || typeof keys !== 'object' || Array.isArray(keys))
      throw new ConfigError(`key file ${file}: field ${venue}: expected an object of keys`);
    const entry: VenueKeys = {};
    for (const [field, value] of Object.entries(keys)) {
      if (!(FIELDS as readonly string[]).includes(field))
        throw new ConfigError(
          `key file ${file}: field ${venue}.${field}: unknown (expected one of ${FIELDS.join(', ')})`,
        );
      if (typeof value !== 'string' || value === '')
        throw new ConfigError(`key file ${file}: field ${venue}.${field}: expected a non-empty string`);
      entry[field as (typeof FIELDS)[number]] = value;
    }
    out[venue] = entry;
  }
  return out;
}
