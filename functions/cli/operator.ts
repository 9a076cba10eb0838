import { operatorStores as storesOf } from '#builders/operator.ts';
import { stackTarget } from '#cli/target.ts';

/**
 * The stores an operator's command works on: the running local stack; or, with `HERALD_STACK=aws`, the
 * deployed one (see `stackTarget`).
 */
export async function operatorStores() {
  const target = await stackTarget();
  return { target, ...(await storesOf(target)) };
}
