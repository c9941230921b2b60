import { CreateDBInstanceCommand, DescribeAccountAttributesCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { asAccount } from './support/aws.js';

/**
 * The emulator answers RDS DescribeAccountAttributes (emulator/failback_emulator/patches/
 * rds_account.py) with AWS's default quotas and what the account uses, so the preflight's quota check
 * reads real numbers instead of warning that it could not.
 */
describe('RDS DescribeAccountAttributes in the emulator', () => {
  it('lists the quotas with AWS’s defaults and counts what the account has', async () => {
    const account = `9${String(Date.now()).slice(-11)}`;
    const env = asAccount(account, 'eu-central-1');
    const quota = async (name: string) =>
      (await env.rds.send(new DescribeAccountAttributesCommand({}))).AccountQuotas?.find(
        (q) => q.AccountQuotaName === name,
      );
    expect(await quota('DBInstances')).toEqual({ AccountQuotaName: 'DBInstances', Used: 0, Max: 40 });
    expect(await quota('ManualSnapshots')).toMatchObject({ Used: 0, Max: 100 });
    expect(await quota('DBClusters')).toMatchObject({ Max: 40 });
    await env.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'quota-probe',
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        AllocatedStorage: 20,
        MasterUsername: 'admin1',
        MasterUserPassword: 'a-long-password-1',
      }),
    );
    expect(await quota('DBInstances')).toMatchObject({ Used: 1, Max: 40 });
    expect(await quota('AllocatedStorage')).toMatchObject({ Used: 20 });
  });
});
