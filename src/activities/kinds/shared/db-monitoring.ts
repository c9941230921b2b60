import { GetRoleCommand } from '@aws-sdk/client-iam';
import { ModifyDBInstanceCommand, type DBInstance } from '@aws-sdk/client-rds';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { KindContext } from '../resource-kind.js';
import { call, describeOrUndefined } from './calls.js';
import { where, type Findings } from './preflight.js';

/**
 * RDS enhanced monitoring (issue 15). A restore does not take it (RestoreDBInstanceFromDBSnapshot has no
 * MonitoringInterval) and it needs a monitoring role: the configuration source's role belongs to its
 * own account, so the copy gets primary's role of the same name, found by preflight, which the access
 * stack may pass to monitoring.rds.amazonaws.com only (decision 0013). The final cleanup turns it on,
 * with the other deferred settings: a ModifyDBInstance inside the window would hold the copy in
 * `modifying` before verify. Test copies never get it.
 */

/** Where preflight records what it found (ResolvedResource.sourceDetails): the role and the interval. */
const GRANTED_ROLE = 'monitoringRoleArn';
const INTERVAL = 'monitoringInterval';

export const MONITORING_NOTE =
  'a restore does not take it: the final cleanup turns it on (ModifyDBInstance with the monitoring ' +
  'role of that name in primary, which preflight found), after primary-validated; without that role it stays off';

export const MONITORING_TEST_NOTE = 'a test copy does not get it: the test failback removes the copy';

/** The role's name: the ARN's last part (its path is not part of the name). */
export function roleName(arn: string | undefined): string | undefined {
  return arn?.split('/').pop() || undefined;
}

/** Primary's role of that name, by its ARN (path included). */
export async function monitoringRoleIn(env: AwsEnvironment, name: string): Promise<string | undefined> {
  return describeOrUndefined(
    env,
    `GetRole ${name}`,
    async () => (await env.iam.send(new GetRoleCommand({ RoleName: name }))).Role?.Arn,
    /NoSuchEntity/,
  );
}

/** What preflight granted: primary's role and the interval, when the configuration source has monitoring. */
export function grantedMonitoring(ctx: KindContext): { roleArn: string; interval: number } | undefined {
  const roleArn = ctx.resource.sourceDetails?.[GRANTED_ROLE];
  const interval = ctx.resource.sourceDetails?.[INTERVAL];
  if (typeof roleArn !== 'string' || typeof interval !== 'number' || interval <= 0) return undefined;
  return { roleArn, interval };
}

/**
 * Preflight: the configuration source's monitoring role, by name, in primary. Absent: a warning with the
 * fix. Present: granted to the access role (iam:PassRole to RDS monitoring) and recorded for the cleanup.
 */
export async function checkMonitoringRole(
  findings: Findings,
  ctx: KindContext,
  what: string,
  db: DBInstance | undefined,
): Promise<{ grants: string[]; sourceDetails: Record<string, string | number> }> {
  const name = db?.MonitoringInterval ? roleName(db.MonitoringRoleArn) : undefined;
  if (!db?.MonitoringInterval || !name) return { grants: [], sourceDetails: {} };
  const { found, absent } = await findings.lookup('settings', `monitoring role ${name} in primary`, () =>
    monitoringRoleIn(ctx.primary, name),
  );
  if (absent)
    findings.add(
      'warning',
      'settings',
      `${what} has enhanced monitoring every ${db.MonitoringInterval} s with role ${name}, which primary (${where(ctx.primary)}) lacks: its copy gets no enhanced monitoring. Create the role in primary, trusting monitoring.rds.amazonaws.com (aws iam create-role --role-name ${name} --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"monitoring.rds.amazonaws.com"},"Action":"sts:AssumeRole"}]}'; aws iam attach-role-policy --role-name ${name} --policy-arn arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole), then run preflight again`,
    );
  if (!found) return { grants: [], sourceDetails: {} };
  findings.add(
    'info',
    'settings',
    `the final cleanup turns enhanced monitoring on for the copy of ${what} (every ${db.MonitoringInterval} s, role ${found} of primary): the access role may pass that role to RDS monitoring (test copies get none)`,
  );
  return { grants: [found], sourceDetails: { [GRANTED_ROLE]: found, [INTERVAL]: db.MonitoringInterval } };
}

/**
 * Final cleanup: enhanced monitoring on the failback copy, as preflight recorded it. Idempotent (already
 * on with that role and interval: nothing to do). A role removed or replaced since preflight leaves it
 * off, said in the report with the fix, rather than failing the cleanup of a validated primary.
 */
export async function applyMonitoring(
  env: AwsEnvironment,
  granted: { roleArn: string; interval: number },
  db: { id: string; monitoringInterval?: number; monitoringRoleArn?: string },
): Promise<SettingOutcome> {
  const { roleArn, interval } = granted;
  if (db.monitoringInterval === interval && db.monitoringRoleArn === roleArn) return {};
  const name = roleName(roleArn) ?? roleArn;
  if ((await monitoringRoleIn(env, name)) !== roleArn)
    return {
      leftOff: `enhanced monitoring left off ${db.id}: primary no longer has role ${roleArn} (create it, then ModifyDBInstance --monitoring-interval ${interval} --monitoring-role-arn <its ARN>)`,
    };
  await call(env, `ModifyDBInstance ${db.id} MonitoringInterval`, () =>
    env.rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: db.id,
        MonitoringInterval: interval,
        MonitoringRoleArn: roleArn,
        ApplyImmediately: true,
      }),
    ),
  );
  return {
    applied: `enhanced monitoring every ${interval} s on ${db.id} (role ${roleArn}, as on the configuration source)`,
  };
}

/** A deferred setting at the final cleanup: turned on, left off for a person (with the fix), or already on. */
export interface SettingOutcome {
  applied?: string;
  leftOff?: string;
}
