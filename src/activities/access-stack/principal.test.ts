import { describe, expect, it } from 'vitest';
import { roleOfSession, splitRoleArn } from './principal.js';

describe('access stack principals', () => {
  it('names an assumed-role session by its role (trust policies name roles)', () => {
    expect(roleOfSession('arn:aws:sts::123456789012:assumed-role/worker/i-0abc')).toBe(
      'arn:aws:iam::123456789012:role/worker',
    );
    expect(roleOfSession('arn:aws:iam::123456789012:user/ci')).toBe('arn:aws:iam::123456789012:user/ci');
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
