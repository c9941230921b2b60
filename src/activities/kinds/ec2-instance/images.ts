import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type Image,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import type { AwsEnvironment } from '../../aws/clients.js';
import { remember, stickyDetails } from '../../aws/heartbeat.js';
import type { KindContext } from '../resource-kind.js';
import { call, describeOrUndefined } from '../shared/calls.js';
import { isKept, isOurs } from '../shared/markers.js';

/**
 * Removing the AMIs the plan made, and exactly their snapshots (item 9): an AMI is found by the name
 * the run derived for it and must carry the run's tags; its snapshots are the ones its block device
 * mappings name (written to the heartbeat before the deregistration, so a retry after a crash between
 * the two still knows them). Nothing is ever removed because of its tags alone: a backup of the new
 * production instance (DLM, AWS Backup, a person) that copied the instance's tags stays.
 */
interface RemovalProgress {
  /** Snapshots of AMIs this attempt or an earlier one deregistered, still to delete, by `<account>/<region>/<ami>`. */
  imageSnapshots?: Record<string, string[]>;
  /**
   * AMIs this attempt or an earlier one deregistered (recorded just before the call), by
   * `<account>/<region>/<ami>`: a client token answering one of them answers an AMI known to be gone,
   * not one not visible yet (copyImage).
   */
  deregisteredImages?: string[];
}

const keyOf = (env: AwsEnvironment, imageId: string) =>
  `${env.access.accountId}/${env.access.region}/${imageId}`;

function snapshotIdsOf(image: Image): string[] {
  return (image.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId ?? '').filter(Boolean);
}

/**
 * A removal that may find its resource gone: NotFound, or, when another attempt removed it between our
 * describe and our call, UnauthorizedOperation — the plan's roles may remove only what carries the
 * plan's tag, and what no longer exists has none (as for DB snapshots: db-snapshots.ts removeSnapshot).
 * A refusal counts as "removed" only when a describe then finds nothing; for a resource still there it
 * stands.
 */
async function removeOrGone(
  env: AwsEnvironment,
  what: string,
  remove: () => Promise<unknown>,
  stillThere: () => Promise<boolean>,
): Promise<void> {
  try {
    await describeOrUndefined(env, what, remove);
  } catch (error) {
    if (!(error instanceof ApplicationFailure && error.type === 'AccessDenied')) throw error;
    if (await stillThere()) throw error;
  }
}

export async function deleteSnapshot(env: AwsEnvironment, snapshotId: string): Promise<void> {
  await removeOrGone(
    env,
    `DeleteSnapshot ${snapshotId}`,
    () => env.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })),
    async () => {
      const found = await describeOrUndefined(env, `DescribeSnapshots ${snapshotId}`, async () => {
        const out = await env.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }));
        return out.Snapshots?.[0];
      });
      return found !== undefined;
    },
  );
}

async function imageStillThere(env: AwsEnvironment, imageId: string): Promise<boolean> {
  const found = await describeOrUndefined(env, `DescribeImages ${imageId}`, async () => {
    const out = await env.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    return out.Images?.find((i) => i.State !== 'deregistered');
  });
  return found !== undefined;
}

/** Whether this run deregistered `imageId` in `env` (as far as the heartbeat still tells). */
export function deregisteredByRun(env: AwsEnvironment, imageId: string): boolean {
  return ((stickyDetails() as RemovalProgress).deregisteredImages ?? []).includes(keyOf(env, imageId));
}

/** What is still to delete (the sticky details start from the previous attempt's). */
function pending(): Record<string, string[]> {
  return { ...((stickyDetails() as RemovalProgress).imageSnapshots ?? {}) };
}

/** Deregisters an AMI and deletes its snapshots (both gone already is fine). Callers checked it is theirs. */
export async function removeImage(env: AwsEnvironment, image: Image): Promise<string[]> {
  const imageId = image.ImageId ?? '';
  const snapshots = snapshotIdsOf(image);
  // Both facts before the call, in one heartbeat: a heartbeat between the deregistration and the
  // snapshot deletes is where a cancelled cleanup stops, and compensation (another activity, without
  // this heartbeat) cannot find the snapshots of an AMI that is gone (the abort matrix found it).
  const deregistered = (stickyDetails() as RemovalProgress).deregisteredImages ?? [];
  remember({
    imageSnapshots: { ...pending(), [keyOf(env, imageId)]: snapshots },
    deregisteredImages: [...deregistered.filter((k) => k !== keyOf(env, imageId)), keyOf(env, imageId)],
  });
  await removeOrGone(
    env,
    `DeregisterImage ${imageId}`,
    () => env.ec2.send(new DeregisterImageCommand({ ImageId: imageId })),
    () => imageStillThere(env, imageId),
  );
  for (const snapshotId of snapshots) await deleteSnapshot(env, snapshotId);
  const todo = pending();
  delete todo[keyOf(env, imageId)];
  remember({ imageSnapshots: todo });
  return [imageId, ...snapshots];
}

async function ownImageNamed(env: AwsEnvironment, name: string): Promise<Image | undefined> {
  return call(env, `DescribeImages ${name}`, async () => {
    const out = await env.ec2.send(
      new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }),
    );
    return out.Images?.find((i) => i.State !== 'deregistered');
  });
}

/**
 * Removes the AMI the run named `name` in `env` (unless kept), with its snapshots, and the snapshots
 * of AMIs an earlier attempt deregistered but did not finish deleting (those carrying the run's tags).
 */
export async function removeRunImage(
  ctx: KindContext,
  env: AwsEnvironment,
  name: string,
  phase: string = ctx.input.phase,
): Promise<{ removed: string[]; kept: string[] }> {
  const removed: string[] = [];
  const kept: string[] = [];
  const here = keyOf(env, '');
  for (const [key, ids] of Object.entries(pending())) {
    if (!key.startsWith(here)) continue;
    // The snapshots of a deregistered AMI of this run, recorded before its deregistration: they are
    // removed by id (the access stack lets DeleteSnapshot act only on what carries the plan's tags).
    for (const id of ids) {
      await deleteSnapshot(env, id);
      removed.push(id);
    }
    const todo = pending();
    delete todo[key];
    remember({ imageSnapshots: todo });
  }
  const image = await ownImageNamed(env, name);
  if (!image) return { removed, kept };
  if (!isOurs(image.Tags, ctx, phase)) {
    kept.push(`${image.ImageId ?? name} (named ${name}, not this run's)`);
    return { removed, kept };
  }
  if (isKept(image.Tags)) kept.push(image.ImageId ?? '');
  else removed.push(...(await removeImage(env, image)));
  return { removed, kept };
}
