/** `kit.marketplace`: tools, usage, API keys, revenue, payouts, feedback and refunds. */
import type { SupabaseClient } from '@supabase/supabase-js';
import { ApiKeysClient } from './ApiKeysClient.ts';
import type { Database } from './database.types.ts';
import { FeedbackClient } from './FeedbackClient.ts';
import { PayoutsClient } from './PayoutsClient.ts';
import { RefundsClient } from './RefundsClient.ts';
import { RevenueClient } from './RevenueClient.ts';
import { ToolsClient } from './ToolsClient.ts';
import { UsageClient } from './UsageClient.ts';

export class MarketplaceClient {
  /** The catalogue; a creator's tools; the admins' review. */
  readonly tools: ToolsClient;
  /** Using tools, usages, verifying a usage with an API key. */
  readonly usage: UsageClient;
  /** A creator's API keys. */
  readonly apiKeys: ApiKeysClient;
  /** A creator's revenue stats. */
  readonly revenue: RevenueClient;
  /** Creators' payout requests and the admins' decisions. */
  readonly payouts: PayoutsClient;
  /** Ratings and reviews. */
  readonly feedback: FeedbackClient;
  /** Refund requests and the admins' decisions. */
  readonly refunds: RefundsClient;

  constructor(supabase: SupabaseClient<Database>) {
    this.tools = new ToolsClient(supabase);
    this.usage = new UsageClient(supabase);
    this.apiKeys = new ApiKeysClient(supabase);
    this.revenue = new RevenueClient(supabase);
    this.payouts = new PayoutsClient(supabase);
    this.feedback = new FeedbackClient(supabase);
    this.refunds = new RefundsClient(supabase);
  }
}
