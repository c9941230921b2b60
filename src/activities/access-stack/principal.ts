import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { log } from '@temporalio/activity';
import { awsErrorCode } from '../aws/errors.js';
import { defaultClientSettings } from '../aws/clients.js';

/**
 * Whom the access role trusts: the worker's own identity. A trust policy names a role by its ARN with
 * its path (`arn:aws:iam::…:role/team/worker`), and AWS refuses to save one naming a role that does not
 * exist; but an assumed-role session ARN carries no path. So the role is read back (iam:GetRole on
 * itself) for its exact ARN; a worker not allowed that trusts its account root instead, narrowed by
 * aws:PrincipalArn to its role's name at any path.
 */
export interface OrchestratorTrust {
  /** The trust policy's Principal.AWS. */
  principal: string;
  /** ArnLike patterns the caller's aws:PrincipalArn must match. */
  principalArnPatterns: string[];
}

const SESSION = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

export async function orchestratorTrust(): Promise<OrchestratorTrust> {
  const configured = process.env.FAILBACK_ORCHESTRATOR_PRINCIPAL_ARN;
  if (configured) return { principal: configured, principalArnPatterns: [configured] };
  const { endpoint } = defaultClientSettings();
  const config = { region: process.env.AWS_REGION ?? 'us-east-1', ...(endpoint ? { endpoint } : {}) };
  const sts = new STSClient(config);
  let arn: string;
  try {
    arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
  } finally {
    sts.destroy();
  }
  const session = SESSION.exec(arn);
  if (!session) return { principal: arn, principalArnPatterns: [arn] };
  const [, partition, account, roleName] = session;
  const iam = new IAMClient(config);
  try {
    const role = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    const roleArn = role.Role?.Arn ?? `arn:${partition}:iam::${account}:role/${roleName}`;
    return { principal: roleArn, principalArnPatterns: [roleArn] };
  } catch (error) {
    log.warn('cannot read the worker role (iam:GetRole on itself): trusting its account, narrowed by name', {
      role: roleName,
      code: awsErrorCode(error),
    });
    return trustByName(partition!, account!, roleName!);
  } finally {
    iam.destroy();
  }
}

/** The account root, with aws:PrincipalArn limited to the role's name at any path. */
export function trustByName(partition: string, account: string, roleName: string): OrchestratorTrust {
  return {
    principal: `arn:${partition}:iam::${account}:root`,
    principalArnPatterns: [
      `arn:${partition}:iam::${account}:role/${roleName}`,
      `arn:${partition}:iam::${account}:role/*/${roleName}`,
    ],
  };
}

/** RoleName and Path of a role ARN (arn:aws:iam::111:role/path/to/name). */
export function splitRoleArn(arn: string): { name: string; path: string } {
  const resource = arn.split(':role/')[1] ?? '';
  const parts = resource.split('/');
  const name = parts.pop() ?? '';
  return { name, path: parts.length ? `/${parts.join('/')}/` : '/' };
}
