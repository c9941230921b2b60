import type { Instance } from '@aws-sdk/client-ec2';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { isOurs, retiredByUs, TAG_RETIRED_BY, tagValue } from '../shared/markers.js';
import { findInstances } from './ec2.js';

/**
 * The old primary instance: named `target` (Name tag) and not made by this plan run (an earlier run of
 * the same plan id made production, not this run's copy). Several of them would leave the plan
 * guessing which one the application uses: a person decides.
 */
export async function oldPrimaryInstance(ctx: KindContext): Promise<Instance | undefined> {
  const named = await findInstances(ctx.primary, [{ Name: 'tag:Name', Values: [ctx.resource.target] }]);
  const candidates = named.filter((i) => {
    if (isOurs(i.Tags, ctx, 'failback')) return false;
    // Retired by an earlier plan (or run) and still stopped: a leftover kept for safety, not the primary.
    const retiredBy = tagValue(i.Tags, TAG_RETIRED_BY);
    return !(retiredBy && !retiredByUs(i.Tags, ctx) && i.State?.Name === 'stopped');
  });
  if (candidates.length > 1) {
    throw needsPersonFailure(
      'NameConflict',
      `${candidates.length} instances are named ${ctx.resource.target} in primary ` +
        `(${candidates.map((i) => i.InstanceId).join(', ')}): leave one, or rename the others, then retry`,
    );
  }
  return candidates[0];
}
