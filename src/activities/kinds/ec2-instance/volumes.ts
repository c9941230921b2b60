import { DeleteVolumeCommand, DescribeVolumesCommand, type Instance, type Volume } from '@aws-sdk/client-ec2';
import type { AwsEnvironment } from '../../aws/clients.js';
import { remember, stickyDetails } from '../../aws/heartbeat.js';
import type { KindContext } from '../resource-kind.js';
import { call, describeOrUndefined } from '../shared/calls.js';
import { isOurs, OWNERSHIP_TAG_KEYS, provenanceTags, restoredByUs } from '../shared/markers.js';
import { createTags, deleteTags } from './ec2.js';

/** The EBS volumes attached to an instance (its block device mappings). */
export function volumeIdsOf(instance: Instance | undefined): string[] {
  return (instance?.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? '').filter(Boolean);
}

/** The volumes among `ids` that still exist (a filter, so one already deleted does not fail the call). */
async function volumes(env: AwsEnvironment, ids: string[]): Promise<Volume[]> {
  if (ids.length === 0) return [];
  return call(env, `DescribeVolumes ${ids.join(',')}`, async () => {
    const out = await env.ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'volume-id', Values: ids }] }),
    );
    return out.Volumes ?? [];
  });
}

interface VolumeProgress {
  /** Volumes of instances this activity terminated, to delete once they are detached. */
  instanceVolumes?: string[];
}

/** Records, before the termination, which volumes the instance had (a retry still knows them). */
export function rememberVolumes(instance: Instance | undefined): void {
  const known = (stickyDetails() as VolumeProgress).instanceVolumes ?? [];
  remember({ instanceVolumes: [...new Set([...known, ...volumeIdsOf(instance)])] });
}

/**
 * After the run's instances were terminated: their volumes that outlived them (DeleteOnTermination
 * false) go — only the volumes recorded from the run's instances before they terminated. Tags alone
 * do not make a volume the run's: a volume made from the copy's snapshots with its tags is not. A
 * retry whose record was lost with its worker leaves such a volume (listed by the test inventory)
 * rather than guess. A volume still attached, or not tagged as the run's, is never touched.
 */
export async function removeLeftVolumes(ctx: KindContext): Promise<string[]> {
  const env = ctx.primary;
  const recorded = (stickyDetails() as VolumeProgress).instanceVolumes ?? [];
  const candidates = new Map<string, Volume>();
  for (const v of await volumes(env, recorded)) candidates.set(v.VolumeId ?? '', v);
  const removed: string[] = [];
  for (const volume of candidates.values()) {
    if (volume.State !== 'available' || !isOurs(volume.Tags, ctx)) continue;
    const id = volume.VolumeId ?? '';
    await describeOrUndefined(env, `DeleteVolume ${id}`, () =>
      env.ec2.send(new DeleteVolumeCommand({ VolumeId: id })),
    );
    removed.push(id);
  }
  return removed;
}

/**
 * The failback's instance is production now: its ownership tags, and its volumes', give way to
 * provenance (decision 0035), so no cleanup of this or a later plan can take it or a backup that copies
 * its tags for an intermediate. Provenance first, then the ownership keys go: a retry finds either.
 */
export async function handOverInstance(ctx: KindContext, instance: Instance): Promise<string[]> {
  const env = ctx.primary;
  const ids = [
    ...(isOurs(instance.Tags, ctx) ? [instance.InstanceId ?? ''] : []),
    ...(await volumes(env, volumeIdsOf(instance)))
      .filter((v) => isOurs(v.Tags, ctx))
      .map((v) => v.VolumeId ?? ''),
  ].filter(Boolean);
  for (const id of ids) {
    await createTags(env, id, provenanceTags(ctx));
    await deleteTags(env, id, OWNERSHIP_TAG_KEYS);
  }
  return ids;
}

/** Whether the instance is the one this run restored and handed over at cleanup. */
export function handedOver(ctx: KindContext, instance: Instance): boolean {
  return restoredByUs(instance.Tags, ctx);
}
