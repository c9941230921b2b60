import { DescribeOptionGroupsCommand, type DBCluster, type DBInstance } from '@aws-sdk/client-rds';
import type { KindContext } from '../resource-kind.js';
import { describeOrUndefined } from './calls.js';
import { type Findings, where } from './preflight.js';

/**
 * What a database failback does that some databases do not take (issue 15), found before anything
 * starts: read replicas (of the source: promoted when conclude recovery deletes it; of the old primary:
 * they keep replicating the retired database and serve stale reads), deletion protection on what
 * conclude recovery removes, and option groups a restore needs in primary.
 */
export function checkInstanceReplicas(
  findings: Findings,
  source: DBInstance | undefined,
  old: DBInstance | undefined,
): void {
  const replicas = source?.ReadReplicaDBInstanceIdentifiers ?? [];
  if (source && replicas.length > 0)
    findings.add(
      'warning',
      'settings',
      `DB instance ${source.DBInstanceIdentifier} in recovery has read replicas (${replicas.join(', ')}): they are not failed back with it, and concluding recovery deletes it (after a kept final snapshot), which promotes them to stand-alone instances. Fail them back as resources of their own or delete them after the failback`,
    );
  if (source?.ReadReplicaSourceDBInstanceIdentifier)
    findings.add(
      'warning',
      'settings',
      `DB instance ${source.DBInstanceIdentifier} in recovery is a read replica of ${source.ReadReplicaSourceDBInstanceIdentifier}: its copy in primary is a stand-alone instance`,
    );
  const oldReplicas = old?.ReadReplicaDBInstanceIdentifiers ?? [];
  if (old && oldReplicas.length > 0)
    findings.add(
      'error',
      'settings',
      `DB instance ${old.DBInstanceIdentifier} in primary has read replicas (${oldReplicas.join(', ')}): after the failback renames it they would keep replicating the retired database and serve stale reads. Promote or delete them, then run preflight again`,
    );
}

export function checkClusterReplicas(
  findings: Findings,
  source: DBCluster | undefined,
  old: DBCluster | undefined,
): void {
  const replicas = source?.ReadReplicaIdentifiers ?? [];
  if (source && replicas.length > 0)
    findings.add(
      'warning',
      'settings',
      `DB cluster ${source.DBClusterIdentifier} in recovery has replica clusters (${replicas.join(', ')}): they are not failed back with it, and concluding recovery deletes it (after a kept final snapshot)`,
    );
  const oldReplicas = old?.ReadReplicaIdentifiers ?? [];
  if (old && oldReplicas.length > 0)
    findings.add(
      'error',
      'settings',
      `DB cluster ${old.DBClusterIdentifier} in primary has replica clusters (${oldReplicas.join(', ')}): after the failback renames it they would keep replicating the retired cluster. Promote or delete them, then run preflight again`,
    );
}

/** Conclude recovery deletes the source (after a kept final snapshot): deletion protection stops it. */
export function checkSourceDeletionProtection(
  findings: Findings,
  what: string,
  protectedSource: boolean,
): void {
  if (protectedSource)
    findings.add(
      'warning',
      'settings',
      `${what} in recovery has deletion protection: concluding recovery deletes it (after a kept final snapshot) and will stop until you turn the protection off. Its copy in primary is protected only from the final cleanup on, after primary-validated (while the plan may still remove it on an abort it is not)`,
    );
}

/**
 * A snapshot keeps its option group (and needs it for persistent options such as TDE): the restore in
 * primary uses the group of the same name, which must exist there. Default groups always do.
 */
export async function checkOptionGroups(
  findings: Findings,
  ctx: KindContext,
  names: string[],
): Promise<void> {
  for (const name of names.filter((n) => n && !n.startsWith('default:'))) {
    const { absent } = await findings.lookup('settings', `option group ${name} in primary`, () =>
      describeOrUndefined(ctx.primary, `DescribeOptionGroups ${name}`, async () => {
        const out = await ctx.primary.rds.send(new DescribeOptionGroupsCommand({ OptionGroupName: name }));
        return out.OptionGroupsList?.[0];
      }),
    );
    if (absent)
      findings.add(
        'error',
        'settings',
        `option group ${name} of the source does not exist in primary (${where(ctx.primary)}): a snapshot that uses it cannot be restored without it (persistent options such as TDE). Create ${name} in primary with the same engine, version and options, then run preflight again`,
      );
  }
}
