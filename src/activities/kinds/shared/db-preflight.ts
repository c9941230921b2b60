import { DescribeDBSubnetGroupsCommand } from '@aws-sdk/client-rds';
import { artifactName, type Phase } from '../../../domain/naming.js';
import { rdsGrantArns, rdsNames, type RdsKind } from '../../../domain/rds-names.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { AccessGrants } from '../../../domain/resources.js';
import type { KindContext } from '../resource-kind.js';
import { describeOrUndefined } from './calls.js';
import type { DbSnapshotApi } from './db-snapshots.js';
import { isOurs } from './markers.js';
import { CONCLUDE_PHASE, runCode, runStep } from './names.js';
import { checkKmsKey, where, type Findings } from './preflight.js';
import { dbId } from './rds.js';
import { stringOption } from './options.js';

/** Every snapshot name the plan will use for this resource is free, or already the plan's own. */
export async function checkSnapshotNames(
  findings: Findings,
  ctx: KindContext,
  api: DbSnapshotApi,
): Promise<void> {
  const { planId } = ctx.plan;
  const { target } = ctx.resource;
  const names: Array<[AwsEnvironment, Phase, string]> = [
    [ctx.recovery, 'test-failback', 'rp'],
    [ctx.primary, 'test-failback', 'copy'],
    [ctx.recovery, 'failback', 'rp'],
    [ctx.primary, 'failback', 'copy'],
    [ctx.recovery, CONCLUDE_PHASE, 'final'],
  ];
  for (const [env, phase, step] of names) {
    const id = dbId(artifactName(planId, phase, runStep(ctx, step), target, api.maxId));
    const existing = await findings.probe('name-conflict', `${api.noun} ${id} in ${where(env)}`, () =>
      api.describe(env, id),
    );
    if (existing && !isOurs(existing.tags, ctx, phase)) {
      findings.add(
        'error',
        'name-conflict',
        `${api.noun} ${id} already exists in ${where(env)} and is not this plan's`,
      );
    }
  }
}

/** The subnet groups named in the options exist in primary. */
export async function checkSubnetGroups(findings: Findings, ctx: KindContext): Promise<void> {
  for (const option of ['dbSubnetGroupName', 'testDbSubnetGroupName']) {
    const name = stringOption(ctx.resource, option);
    if (!name) continue;
    const { absent } = await findings.lookup('settings', `DB subnet group ${name}`, () =>
      describeOrUndefined(ctx.primary, `DescribeDBSubnetGroups ${name}`, async () => {
        const out = await ctx.primary.rds.send(
          new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }),
        );
        return out.DBSubnetGroups?.[0];
      }),
    );
    if (absent)
      findings.add('error', 'settings', `${option} ${name} does not exist in ${where(ctx.primary)}`);
  }
}

/**
 * The databases and snapshots the plan will tag, rename or modify in primary (decision 0045):
 * `oldMembers` are the instances of the Aurora cluster now under the target name, renamed with it,
 * `instances` how many instances the restored cluster gets at most.
 */
export function rdsWriteGrants(
  ctx: KindContext,
  kind: RdsKind,
  aurora: { oldMembers: string[]; instances: number } = { oldMembers: [], instances: 0 },
): Pick<AccessGrants, 'rdsResourceArns' | 'rdsRetiredArns'> {
  const { planId, primary } = ctx.plan;
  const names = rdsNames({ kind, target: ctx.resource.target, planId, run: runCode(ctx), ...aurora });
  return rdsGrantArns(names, primary.accountId, primary.region);
}

/**
 * An encrypted source: copies across regions or accounts need primary's key (RDS does not pick a
 * default), and across accounts the source key must be shareable and its policy must let the primary
 * account use it. Returns the customer managed keys the access role must be granted.
 */
export async function checkDbEncryption(
  findings: Findings,
  ctx: KindContext,
  encrypted: boolean,
  sourceKeyId: string | undefined,
  what: string,
): Promise<Partial<AccessGrants>> {
  const grants = { primaryKmsKeyArns: [] as string[], recoveryKmsKeyArns: [] as string[] };
  const primaryKey = ctx.plan.primary.kmsKeyId;
  if (primaryKey) {
    const key = await checkKmsKey(findings, ctx.primary, primaryKey, 'primary copies');
    if (key?.KeyManager === 'CUSTOMER' && key.Arn) grants.primaryKmsKeyArns.push(key.Arn);
  }
  if (!encrypted) return grants;
  if (!primaryKey) {
    findings.add(
      'error',
      'kms',
      `${what} is encrypted: give primary.kmsKeyId, the key its copy is re-encrypted with in primary`,
    );
  }
  if (sourceKeyId) {
    const usedFrom = { account: ctx.plan.primary.accountId, service: 'rds' as const };
    const key = await checkKmsKey(
      findings,
      ctx.recovery,
      sourceKeyId,
      what,
      ctx.crossAccount ? { shareable: true, usedFrom } : {},
    );
    if (key?.KeyManager === 'CUSTOMER' && key.Arn) grants.recoveryKmsKeyArns.push(key.Arn);
  }
  return grants;
}
