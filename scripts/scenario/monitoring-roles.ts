import { ensureRole } from './accounts.js';
import type { Side } from './seed.js';

/** The role RDS enhanced monitoring publishes with: the same name in both accounts (roles are not copied). */
export function monitoringRoleName(app: string): string {
  return `${app}-rds-monitoring`;
}

const MONITORING_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

/** The application's monitoring role in one account (its ARN): RDS refuses a role that is not there. */
export function seedMonitoringRole(side: Side, app: string): Promise<string> {
  return ensureRole(side.accountId, monitoringRoleName(app), MONITORING_TRUST);
}

/** What the DB instances are created with to run enhanced monitoring. */
export function monitoredDb(roleArn: string): { MonitoringInterval: number; MonitoringRoleArn: string } {
  return { MonitoringInterval: 60, MonitoringRoleArn: roleArn };
}
