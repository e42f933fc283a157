/**
 * For load, chaos and property tests whose few users stand in for a crowd: lifts the per-user caps
 * (unpaid orders held, orders and listings per minute) that would otherwise refuse them.
 */
export const NO_PER_USER_LIMITS: NodeJS.ProcessEnv = {
  MAX_UNPAID_ORDERS: '1000000',
  ORDERS_PER_USER_PER_MINUTE: '1000000',
  LISTINGS_PER_USER_PER_MINUTE: '1000000',
};
