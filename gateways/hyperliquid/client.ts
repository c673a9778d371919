// Hyperliquid through ccxt, with ccxt's hidden extras off: no builder-fee approval, no builder on orders, no referral.
import { ccxtProClass, mergeDeep, prepareClient, type CcxtClientConfig } from '../ccxt/client.ts';
import type { CcxtProClient } from '../ccxt/ccxt-feed.ts';
import type { InstrumentQuirks } from '../ccxt/instruments.ts';

export interface HyperliquidExtras {
  /** Let ccxt approve its builder fee and attach it to orders (1 bp per order by default). Off unless asked. */
  builderFee?: boolean;
  /** Let ccxt set its referral code on the account. Off unless asked. */
  referral?: boolean;
}

/** Prices carry at most 5 significant figures; funding is paid every hour. */
export const hyperliquidQuirks: InstrumentQuirks = {
  priceSigFigs: 5,
  fundingIntervalHours: 1,
  minNotional: 10,
};

export async function createHyperliquidClient(
  config: CcxtClientConfig,
  extras: HyperliquidExtras = {},
): Promise<CcxtProClient> {
  const Base = await ccxtProClass('hyperliquid');
  const builderFee = extras.builderFee === true;
  // ccxt approves a builder fee on the first private call even when builderFee is false (at 0 %, still attaching
  // the builder to every order); the only way to send nothing is not to run that step at all.
  class DeskHyperliquid extends (Base as unknown as new (
    c: Record<string, unknown>,
  ) => Record<string, unknown>) {
    async handleBuilderFeeApproval(): Promise<boolean> {
      if (!builderFee) return true;
      const parent = Base.prototype as unknown as { handleBuilderFeeApproval: () => Promise<boolean> };
      return parent.handleBuilderFeeApproval.call(this);
    }
  }
  const probe = new Base({});
  const options: Record<string, unknown> = {
    ...config.options,
    builderFee,
    approvedBuilderFee: false,
    // refSet tells ccxt the referral was already done, so it never sends setReferrer.
    refSet: extras.referral !== true,
  };
  const client = new DeskHyperliquid({
    ...config.credentials,
    ...(config.urls ? { urls: mergeDeep(probe.urls, config.urls) } : {}),
    options,
    timeout: config.timeoutMs ?? 10_000,
    enableRateLimit: true,
  }) as unknown as CcxtProClient & { urls: Record<string, unknown>; loadHttpProxyAgent(): Promise<unknown> };
  return prepareClient(client);
}
