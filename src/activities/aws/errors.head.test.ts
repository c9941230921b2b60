import { S3ServiceException } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { classifyAwsError } from './errors.js';

// A HEAD request's error has no body: the SDK knows only the status (name "403"/"NotFound", message
// "UnknownError"). The operator must still read what AWS meant.
function headError(name: string, status: number): Error {
  return new S3ServiceException({
    name,
    message: 'UnknownError',
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

describe('errors of requests without a body', () => {
  it('a 403 to HeadBucket is access denied, said in words', () => {
    const result = classifyAwsError(headError('403', 403), {
      what: 'HeadBucket exports',
      roleArn: 'arn:aws:iam::1:role/r',
    });
    expect(result).toBeInstanceOf(ApplicationFailure);
    expect((result as ApplicationFailure).type).toBe('AccessDenied');
    expect(result.message).toMatch(
      /HeadBucket exports \(as arn:aws:iam::1:role\/r\) failed: 403: HTTP 403 without a body/,
    );
    expect(result.message).not.toMatch(/UnknownError/);
  });

  it('a message the service did send is kept as it is', () => {
    const error = new S3ServiceException({
      name: 'AccessDenied',
      message: 'User: x is not authorized to perform: s3:ListBucket',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
    expect(classifyAwsError(error, { what: 'ListObjectsV2 b' }).message).toMatch(
      /AccessDenied: User: x is not authorized/,
    );
  });
});
