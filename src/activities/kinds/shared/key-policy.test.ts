import { describe, expect, it } from 'vitest';
import { KEY_ACTIONS, readKeyPolicy, statementToAdd } from './key-policy.js';

const PRIMARY = '111111111111';
const OWNER = '222222222222';
const root = {
  Sid: 'Root',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
  Action: 'kms:*',
  Resource: '*',
};
const policy = (...extra: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: [root, ...extra] });

describe('readKeyPolicy', () => {
  it('the default key policy lets no other account use the key', () => {
    expect(readKeyPolicy(policy(), PRIMARY, KEY_ACTIONS.ec2).missing).toEqual([...KEY_ACTIONS.ec2]);
  });

  it('the statement preflight asks for is enough, for EBS and for RDS', () => {
    const added = statementToAdd(PRIMARY, KEY_ACTIONS.ec2);
    expect(readKeyPolicy(policy(added), PRIMARY, KEY_ACTIONS.ec2)).toEqual({
      missing: [],
      conditional: [],
      denied: [],
    });
    expect(readKeyPolicy(policy(added), PRIMARY, KEY_ACTIONS.rds).missing).toEqual([]);
  });

  it('reads wildcards, account ids, root ARNs, the role itself and *; NotAction too', () => {
    const roleArn = `arn:aws:iam::${PRIMARY}:role/failback-access-p`;
    for (const principal of [PRIMARY, `arn:aws:iam::${PRIMARY}:root`, roleArn, '*']) {
      const s = {
        Effect: 'Allow',
        Principal: { AWS: [principal] },
        Action: ['kms:ReEncrypt*', 'kms:*Grant', 'kms:D*', 'kms:GenerateDataKey*'],
        Resource: '*',
      };
      expect(readKeyPolicy(policy(s), PRIMARY, KEY_ACTIONS.ec2, roleArn).missing, principal).toEqual([]);
    }
    const notAction = {
      Effect: 'Allow',
      Principal: { AWS: PRIMARY },
      NotAction: 'kms:Decrypt',
      Resource: '*',
    };
    expect(readKeyPolicy(policy(notAction), PRIMARY, KEY_ACTIONS.ec2).missing).toEqual(['kms:Decrypt']);
  });

  it('another account named is not ours; a condition is reported, not trusted; a deny wins', () => {
    const other = {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::333333333333:root' },
      Action: 'kms:*',
      Resource: '*',
    };
    expect(readKeyPolicy(policy(other), PRIMARY, KEY_ACTIONS.rds).missing).toEqual([...KEY_ACTIONS.rds]);
    const conditional = {
      ...statementToAdd(PRIMARY, KEY_ACTIONS.ec2),
      Sid: 'ViaEc2',
      Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
    };
    expect(readKeyPolicy(policy(conditional), PRIMARY, KEY_ACTIONS.rds)).toEqual({
      missing: [...KEY_ACTIONS.rds],
      conditional: ['ViaEc2'],
      denied: [],
    });
    const deny = {
      Sid: 'NoGrants',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:CreateGrant',
      Resource: '*',
    };
    expect(
      readKeyPolicy(policy(statementToAdd(PRIMARY, KEY_ACTIONS.rds), deny), PRIMARY, KEY_ACTIONS.rds),
    ).toEqual({
      missing: ['kms:CreateGrant'],
      conditional: [],
      denied: ['NoGrants'],
    });
  });

  it('an unreadable policy allows nothing', () => {
    expect(readKeyPolicy('not json', PRIMARY, KEY_ACTIONS.rds).missing).toEqual([...KEY_ACTIONS.rds]);
  });
});
