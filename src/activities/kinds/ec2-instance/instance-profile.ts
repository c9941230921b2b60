import { GetInstanceProfileCommand } from '@aws-sdk/client-iam';
import type { Instance } from '@aws-sdk/client-ec2';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { KindContext } from '../resource-kind.js';
import { describeOrUndefined } from '../shared/calls.js';
import { configurationFrom } from '../shared/options.js';
import { where, type Findings } from '../shared/preflight.js';

/**
 * Instance profiles (issue 15). A profile is not copied by a failback and passing one at launch needs
 * iam:PassRole on its role, so the copy carries the configuration source's profile only when primary
 * has one of that name and preflight found its roles: the access stack may pass exactly those roles,
 * to EC2 only (decision 0013). Test copies get none: the production role would let test data and the
 * user data that runs on the test copy act on production.
 */

/** Where preflight records the roles it found (ResolvedResource.sourceDetails): what the role may pass. */
const GRANTED_ROLES = 'instanceRoleArns';

export const INSTANCE_PROFILE_NOTE =
  'carried when primary has an instance profile of that name (profiles are not copied): create it there ' +
  'with its role, then run preflight again (the access role may pass only the roles preflight found)';

export const INSTANCE_PROFILE_TEST_NOTE =
  'a test copy gets no instance profile: the production role would let test data and user data act on production';

/** The profile's name, from the instance's association (the ARN's last part). */
export function profileName(instance: Instance | undefined): string | undefined {
  return instance?.IamInstanceProfile?.Arn?.split('/').pop() || undefined;
}

/** Primary's instance profile of that name, with the ARNs of its roles. */
export async function instanceProfileIn(
  env: AwsEnvironment,
  name: string,
): Promise<{ name: string; roleArns: string[] } | undefined> {
  return describeOrUndefined(
    env,
    `GetInstanceProfile ${name}`,
    async () => {
      const out = await env.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
      const roleArns = (out.InstanceProfile?.Roles ?? []).flatMap((r) => (r.Arn ? [r.Arn] : []));
      return { name, roleArns };
    },
    /NoSuchEntity/,
  );
}

/**
 * What RunInstances passes: the configuration source's profile, by name, when primary has it and
 * every role in it is one preflight granted (a profile made or changed since would be refused).
 */
export async function carriedInstanceProfile(
  ctx: KindContext,
  source: Instance | undefined,
): Promise<{ IamInstanceProfile?: { Name: string } }> {
  const name = profileName(source);
  // Only the failback's copy, by allowlist: any other phase's copy (a test copy) gets none.
  if (!name || ctx.input.phase !== 'failback') return {};
  const profile = await instanceProfileIn(ctx.primary, name);
  const granted = (ctx.resource.sourceDetails?.[GRANTED_ROLES] as string[] | undefined) ?? [];
  if (!profile || !profile.roleArns.every((arn) => granted.includes(arn))) return {};
  return { IamInstanceProfile: { Name: name } };
}

/**
 * Preflight: the configuration source's profile in primary. Absent: a warning with the fix. Present:
 * its roles, granted to the access role (iam:PassRole to EC2) and recorded for the restore.
 */
export async function checkInstanceProfile(
  findings: Findings,
  ctx: KindContext,
  source: Instance | undefined,
  oldPrimary: Instance | undefined,
): Promise<{ grants: string[]; sourceDetails: Record<string, string[]> }> {
  const instance = configurationFrom(ctx.resource) === 'primary' ? oldPrimary : source;
  const name = profileName(instance);
  if (!name) return { grants: [], sourceDetails: {} };
  const id = instance?.InstanceId ?? ctx.resource.source;
  const { found, absent } = await findings.lookup('settings', `instance profile ${name} in primary`, () =>
    instanceProfileIn(ctx.primary, name),
  );
  if (absent)
    findings.add(
      'warning',
      'settings',
      `instance ${id} has instance profile ${name}, which primary (${where(ctx.primary)}) lacks: its copy launches without one. Create it in primary with its role (aws iam create-instance-profile --instance-profile-name ${name}; aws iam add-role-to-instance-profile --instance-profile-name ${name} --role-name <role>), then run preflight again`,
    );
  if (!found) return { grants: [], sourceDetails: {} };
  findings.add(
    'info',
    'settings',
    `the copy of ${id} launches with instance profile ${name} of primary: the access role may pass ${found.roleArns.join(', ') || 'no role'} to EC2 (test copies get none)`,
  );
  return { grants: found.roleArns, sourceDetails: { [GRANTED_ROLES]: found.roleArns } };
}
