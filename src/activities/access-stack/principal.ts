import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { defaultClientSettings } from '../aws/clients.js';

/**
 * The principal the access role trusts: the worker's own identity (FAILBACK_ORCHESTRATOR_PRINCIPAL_ARN,
 * else STS GetCallerIdentity with the worker's credentials). An assumed-role session is named by its
 * role, since a trust policy names roles, not sessions.
 */
export async function orchestratorPrincipalArn(): Promise<string> {
  const configured = process.env.FAILBACK_ORCHESTRATOR_PRINCIPAL_ARN;
  if (configured) return configured;
  const { endpoint } = defaultClientSettings();
  const sts = new STSClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
  });
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    return roleOfSession(Arn ?? '');
  } finally {
    sts.destroy();
  }
}

export function roleOfSession(arn: string): string {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : arn;
}

/** RoleName and Path of a role ARN (arn:aws:iam::111:role/path/to/name). */
export function splitRoleArn(arn: string): { name: string; path: string } {
  const resource = arn.split(':role/')[1] ?? '';
  const parts = resource.split('/');
  const name = parts.pop() ?? '';
  return { name, path: parts.length ? `/${parts.join('/')}/` : '/' };
}
