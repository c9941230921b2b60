import type { CaseResult } from './matrix.js';

/**
 * Why a point was not restored: each difference (and each way the plan ended badly) is explained by
 * the first cause whose patterns match it. The causes are the items of issue 14 and the defects the
 * matrix found beside them (file:line as of this branch's base, ddb0681). A difference no cause
 * explains is a new defect: `npm test` fails on it (known.ts).
 */
export interface Cause {
  id: string;
  /** "issue 14 item 2", or "new" for a defect the issue does not list. */
  item: string;
  what: string;
  /** The point's id must match (when given). */
  point?: RegExp;
  /** The difference line, or the plan's error, must match. */
  line: RegExp;
}

export const CAUSES: Cause[] = [
  {
    id: 'access-stack-in-flight',
    item: 'issue 14 item 14',
    what:
      'an abort while ensureAccessStack is in flight leaves the stack and its role: the plan records that it ' +
      'created the stack only from the activity result (src/workflows/plan/failback-plan.ts:80-95)',
    point: /cloudformation:CreateStack/,
    line: /(cloudformation-stack|iam-role)\/.*failback-access-/,
  },
  {
    id: 'dns-rollback-lost',
    item: 'issue 14 item 4',
    what:
      'the Route 53 change was made but the plan never saw its result: dnsPrevious and trafficServed stay unset ' +
      '(failback-plan.ts:206-219), so compensation neither restores the record nor keeps a copy of what served',
    point: /route53:ChangeResourceRecordSets/,
    line: /route53-record\/|kept copies of the/,
  },
  {
    id: 'still-running-activity',
    item: 'issue 14 item 2',
    what:
      'compensation runs beside the activity the abort cancelled (TRY_CANCEL, src/workflows/activities.ts): the ' +
      'retire or launch it was making lands after compensation looked — an EC2 copy left running, a renamed ' +
      'database not renamed back or its name taken by the plan’s copy, the old DynamoDB table deleted and not ' +
      'restored (restore.ts:117 retires and imports in one activity: the import lands in its place, untagged), ' +
      'an Aurora restore whose writer is created in the production cluster once compensation renamed it back, ' +
      'a recovery source stopped by the quiesce after compensation started it; a delete of what the activity removed meanwhile answers AccessDenied (tag condition on a missing ' +
      'resource) and parks the plan; a rename wait whose instance was renamed away never ends ' +
      '(src/activities/kinds/shared/rds.ts:170-174: the plan stays in aborting)',
    point: new RegExp(
      [
        ' failback primary (ec2:(CreateTags|StopInstances)|rds:(AddTagsToResource|ModifyDBInstance|ModifyDBCluster|RestoreDBClusterFromSnapshot)|dynamodb:(CreateBackup|DeleteTable))( #\\d+)? ',
        'test-failback primary rds:Delete(DBInstance|DBCluster)',
        // The quiesce: tag, then stop.
        ' failback recovery ec2:CreateTags( #\\d+)? ',
      ].join('|'),
    ),
    line: /./,
  },
  {
    id: 'restore-in-progress-invisible',
    item: 'issue 14 item 3',
    what:
      'a DynamoDB restore, import or create still in progress carries no plan tags yet (restore.ts:132 tags once ' +
      'ACTIVE; compensate.ts:23 finds the copy by tag): the copy stays under the production name, the original ' +
      'is not restored, the plan reports aborted; a test copy in progress is left',
    point: /dynamodb:(ImportTable|RestoreTableFromBackup|CreateTable)( #\d+)? \(/,
    line: /dynamodb-table\/[^:]+: (new|contentHash|itemCount|tags\.failback:|sse |tableId|created)/,
  },
  {
    id: 'table-settings-lost',
    item: 'issue 14 item 11',
    what:
      'the replaced table’s settings live only in the retire activity’s heartbeat and result ' +
      '(retire.ts:83, compensate.ts:52-58): aborted before the restore returned, compensation restores the ' +
      'kept backup without its tags, stream, TTL, PITR, billing mode',
    line: /dynamodb-table\/[^:]+: (pointInTimeRecovery|stream|tags\.|timeToLive|billingMode|provisioned|tableClass|deletionProtection|globalIndexes)/,
  },
  {
    id: 'volumes-left',
    item: 'issue 14 item 14',
    what:
      'volumes with DeleteOnTermination=false outlive the plan’s instances: the test copy’s after the test ' +
      'cleanup, and the failback copy’s when compensation terminates it (ec2-instance/lifecycle.ts ' +
      'removeInstanceTestCopy, compensateInstance: terminate only)',
    line: /ec2-volume\/\S+ .*: new/,
  },
];

/** The cause of each line a case reported (its differences, its ending, its errors). */
export function explain(result: CaseResult): Array<{ line: string; cause?: Cause }> {
  const lines = [...result.unexpected];
  const errors = result.errors.join('\n');
  return lines.map((line) => {
    const cause = CAUSES.find(
      (c) => (!c.point || c.point.test(result.point.id)) && (c.line.test(line) || c.line.test(errors)),
    );
    return cause ? { line, cause } : { line };
  });
}

/** The causes of a case that was not restored, and the lines no cause explains. */
export function causesOf(result: CaseResult): { causes: Cause[]; unexplained: string[] } {
  const explained = explain(result);
  const causes = [...new Set(explained.flatMap((e) => (e.cause ? [e.cause] : [])))];
  return { causes, unexplained: explained.filter((e) => !e.cause).map((e) => e.line) };
}
