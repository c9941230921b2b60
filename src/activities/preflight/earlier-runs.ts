import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import type { ResourceKind } from '../../domain/contract.js';
import { testTargetName } from '../../domain/naming.js';
import type { PreflightFinding, ResolvedResource } from '../../domain/resources.js';
import type { AwsEnvironment } from '../aws/clients.js';
import { TAG_PLAN_RUN, tagValue } from '../aws/tags.js';
import { describeTable, tableTags } from '../kinds/dynamodb-table/tables.js';
import { findInstances } from '../kinds/ec2-instance/ec2.js';
import { call } from '../kinds/shared/calls.js';
import { TAG_RESTORED_BY, TAG_RESTORED_RUN, type AwsTags } from '../kinds/shared/markers.js';
import { listDbClusters, listDbInstances } from '../kinds/shared/rds.js';
import { dbSnapshotApi } from '../kinds/rds-instance/snapshot-api.js';
import { clusterSnapshotApi } from '../kinds/aurora-cluster/snapshot-api.js';
import { TAG_PHASE, TAG_PLAN_ID } from '../../domain/contract.js';

/**
 * A plan id is used once (decision 0035). When the Temporal history of an earlier plan with the same
 * id is gone (deleted, or a start with another id reuse policy), Temporal no longer refuses the id —
 * but primary still holds what that plan made or restored. This run has made nothing yet, so every
 * resource in primary that carries the plan id (its ownership tags, or the provenance a finished plan
 * leaves on what it restored) belongs to an earlier plan: an error finding names each one and its plan.
 */
export async function earlierRunFindings(
  planId: string,
  primary: AwsEnvironment,
  resources: ResolvedResource[],
): Promise<PreflightFinding[]> {
  const kinds = new Set<ResourceKind>(resources.map((r) => r.kind));
  const found: Array<{ what: string; tags: AwsTags }> = [];
  if (kinds.has('ec2-instance')) {
    for (const key of [TAG_PLAN_ID, TAG_RESTORED_BY]) {
      const instances = await findInstances(primary, [{ Name: `tag:${key}`, Values: [planId] }]);
      found.push(...instances.map((i) => ({ what: `EC2 instance ${i.InstanceId}`, tags: i.Tags })));
    }
    const images = await call(primary, 'DescribeImages (the plan’s)', async () => {
      const out = await primary.ec2.send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [{ Name: `tag:${TAG_PLAN_ID}`, Values: [planId] }],
        }),
      );
      return out.Images ?? [];
    });
    found.push(...images.map((i) => ({ what: `AMI ${i.ImageId} (${i.Name})`, tags: i.Tags })));
  }
  if (kinds.has('rds-instance') || kinds.has('aurora-cluster')) {
    const [instances, clusters, snapshots, clusterSnapshots] = await Promise.all([
      listDbInstances(primary),
      listDbClusters(primary),
      dbSnapshotApi.listManual(primary),
      clusterSnapshotApi.listManual(primary),
    ]);
    found.push(...instances.map((d) => ({ what: `DB instance ${d.DBInstanceIdentifier}`, tags: d.TagList })));
    found.push(...clusters.map((c) => ({ what: `DB cluster ${c.DBClusterIdentifier}`, tags: c.TagList })));
    found.push(...snapshots.map((s) => ({ what: `DB snapshot ${s.id}`, tags: s.tags })));
    found.push(...clusterSnapshots.map((s) => ({ what: `DB cluster snapshot ${s.id}`, tags: s.tags })));
  }
  for (const r of resources.filter((x) => x.kind === 'dynamodb-table')) {
    for (const name of [r.target, testTargetName(r.target, planId)]) {
      const table = await describeTable(primary, name);
      if (table?.TableArn)
        found.push({ what: `DynamoDB table ${name}`, tags: await tableTags(primary, table.TableArn) });
    }
  }
  return found.flatMap(({ what, tags }) => {
    const message = earlier(planId, what, tags);
    return message ? [{ severity: 'error' as const, check: 'name-conflict' as const, message }] : [];
  });
}

function earlier(planId: string, what: string, tags: AwsTags): string | undefined {
  const advice =
    'a plan id is used once: start this plan under a new id (and look at what the earlier plan left there)';
  if (tagValue(tags, TAG_PLAN_ID) === planId) {
    const run = tagValue(tags, TAG_PLAN_RUN);
    return (
      `${what} in primary carries the tags of an earlier plan ${planId} ` +
      `(${run ? `run ${run}` : 'a run that recorded no run id'}, phase ${tagValue(tags, TAG_PHASE) ?? '?'}): ${advice}`
    );
  }
  if (tagValue(tags, TAG_RESTORED_BY) === planId) {
    const run = tagValue(tags, TAG_RESTORED_RUN);
    return `${what} in primary was restored by an earlier plan ${planId}${run ? ` (run ${run})` : ''}: ${advice}`;
  }
  return undefined;
}
