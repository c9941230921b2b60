import {
  DeleteVolumeCommand,
  DescribeVolumesCommand,
  paginateDescribeInstances,
  type Instance,
  type Volume,
} from '@aws-sdk/client-ec2';
import type { AwsEnvironment } from '../../aws/clients.js';
import { remember, stickyDetails } from '../../aws/heartbeat.js';
import type { KindContext } from '../resource-kind.js';
import { call, describeOrUndefined } from '../shared/calls.js';
import { isOurs, OWNERSHIP_TAG_KEYS, provenanceTags, restoredByUs } from '../shared/markers.js';
import { createTags, deleteTags, planFilters, waitInstanceState } from './ec2.js';

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

/**
 * The instance's volume ids, also on the instance itself (a tag stays readable on a terminated
 * instance): another activity — compensation after a test cleanup the abort cut short — still knows
 * them. A tag value holds 256 characters, so the ids fill up to VOLUME_TAG_KEYS.length tags.
 */
export const VOLUME_TAG_KEYS = ['failback:volumes', 'failback:volumes-2', 'failback:volumes-3'];
const IDS_PER_TAG = 11; // "vol-" + 17 hex digits, space-separated: 11 × 22 < 256

function volumeTags(ids: string[]): Array<{ Key: string; Value: string }> {
  const tags: Array<{ Key: string; Value: string }> = [];
  for (let i = 0; i < ids.length && tags.length < VOLUME_TAG_KEYS.length; i += IDS_PER_TAG)
    tags.push({ Key: VOLUME_TAG_KEYS[tags.length]!, Value: ids.slice(i, i + IDS_PER_TAG).join(' ') });
  return tags;
}

function taggedVolumeIds(instance: Instance): string[] {
  return (instance.Tags ?? [])
    .filter((t) => VOLUME_TAG_KEYS.includes(t.Key ?? ''))
    .flatMap((t) => (t.Value ?? '').split(' ').filter(Boolean));
}

/** Records, before the termination, which volumes the instance had: in the heartbeat and on the instance. */
export async function rememberVolumes(ctx: KindContext, instance: Instance): Promise<void> {
  const ids = volumeIdsOf(instance);
  const known = (stickyDetails() as VolumeProgress).instanceVolumes ?? [];
  remember({ instanceVolumes: [...new Set([...known, ...ids])] });
  const missing = ids.filter((id) => !taggedVolumeIds(instance).includes(id));
  if (missing.length > 0 && instance.InstanceId)
    await createTags(ctx.primary, instance.InstanceId, volumeTags(ids));
}

/** The volume ids the run's instances of this phase recorded on themselves, terminated ones too. */
async function recordedOnInstances(ctx: KindContext): Promise<string[]> {
  const env = ctx.primary;
  const instances = await call(env, 'DescribeInstances (the run’s, any state)', async () => {
    const all: Instance[] = [];
    for await (const page of paginateDescribeInstances({ client: env.ec2 }, { Filters: planFilters(ctx) }))
      for (const reservation of page.Reservations ?? []) all.push(...(reservation.Instances ?? []));
    return all;
  });
  const ours = instances.filter((i) => isOurs(i.Tags, ctx));
  // A volume detaches (and becomes deletable) once its instance is terminated, not while it shuts down.
  for (const i of ours)
    if (i.InstanceId && i.State?.Name === 'shutting-down')
      await waitInstanceState(env, i.InstanceId, 'terminated', 'ec2:terminate-instances');
  return ours.flatMap(taggedVolumeIds);
}

/**
 * After the run's instances were terminated: their volumes that outlived them (DeleteOnTermination
 * false) go — only the volumes recorded from the run's instances before they terminated (in this
 * activity's heartbeat, and on the instances' own tags for any later activity). Tags alone do not make
 * a volume the run's: a volume made from the copy's snapshots with its tags is not. A volume still
 * attached, or not tagged as the run's, is never touched.
 */
export async function removeLeftVolumes(ctx: KindContext): Promise<string[]> {
  const env = ctx.primary;
  const recorded = [
    ...new Set([
      ...((stickyDetails() as VolumeProgress).instanceVolumes ?? []),
      ...(await recordedOnInstances(ctx)),
    ]),
  ];
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
