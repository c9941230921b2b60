import { describe, expect, it } from 'vitest';
import { splitRoleArn, trustByName } from './principal.js';

describe('access stack principals', () => {
  it('trusts a worker role it cannot read by its account, narrowed to its name at any path', () => {
    expect(trustByName('aws', '123456789012', 'worker')).toEqual({
      principal: 'arn:aws:iam::123456789012:root',
      principalArnPatterns: [
        'arn:aws:iam::123456789012:role/worker',
        'arn:aws:iam::123456789012:role/*/worker',
      ],
    });
  });

  it('splits a role ARN into the stack parameters RoleName and RolePath', () => {
    expect(splitRoleArn('arn:aws:iam::111111111111:role/failback-access')).toEqual({
      name: 'failback-access',
      path: '/',
    });
    expect(splitRoleArn('arn:aws:iam::111111111111:role/dr/failback/access')).toEqual({
      name: 'access',
      path: '/dr/failback/',
    });
  });
});
