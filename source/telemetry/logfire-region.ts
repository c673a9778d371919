// Logfire keeps each region's data apart and a write token names its region (pylf_v1_eu_…): the token says where to send.
export const LOGFIRE_REGIONS = {
  us: 'https://logfire-us.pydantic.dev',
  eu: 'https://logfire-eu.pydantic.dev',
} as const;

/** Version, then region, as Logfire's SDK reads them (LOGFIRE_TOKEN_REGION_PATTERN in logfire/_internal/auth.py). */
const TOKEN_REGION = /^pylf_v[0-9]+_([a-z]+)_/;

/** The base URL for a write token; tokens from before regions, or of a region unknown here, go to the US, as the SDK does. */
export function logfireEndpoint(token: string): string {
  const region = TOKEN_REGION.exec(token)?.[1];
  return region === 'eu' ? LOGFIRE_REGIONS.eu : LOGFIRE_REGIONS.us;
}
