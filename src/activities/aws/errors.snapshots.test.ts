import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { RDSServiceException } from '@aws-sdk/client-rds';
import { STSServiceException } from '@aws-sdk/client-sts';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { classifyAwsError } from './errors.js';

// How the errors of the snapshot-based kinds (EC2 AMIs and EBS snapshots, RDS and Aurora snapshots)
// are classified: the workflows retry the retryable ones and park the plan for a person otherwise.

type Service = typeof EC2ServiceException | typeof RDSServiceException | typeof STSServiceException;

function awsError(service: Service, name: string, message: string, status = 400): Error {
  return new service({
    name,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

function classify(error: Error, copy = false): { type?: string; retryable: boolean } {
  const result = classifyAwsError(error, { what: 'test', roleArn: 'arn:aws:iam::111111111111:role/x', copy });
  if (!(result instanceof ApplicationFailure)) return { retryable: true };
  return { type: result.type ?? undefined, retryable: !result.nonRetryable };
}

describe('classification of snapshot, AMI and database errors', () => {
  it('a concurrent-copy limit on a copy call is CopySlotBusy (retryable), not a quota to raise', () => {
    const ebs = awsError(
      EC2ServiceException,
      'ResourceLimitExceeded',
      'Too many snapshot copies in progress. The limit is 20 for this destination region (us-east-1).',
    );
    const rds = awsError(
      RDSServiceException,
      'SnapshotQuotaExceeded',
      'Cannot copy more than 5 snapshots across regions to us-east-1 at the same time. Wait for a copy to complete, then retry.',
    );
    expect(classify(ebs, true)).toEqual({ type: 'CopySlotBusy', retryable: true });
    expect(classify(rds, true)).toEqual({ type: 'CopySlotBusy', retryable: true });
    // The SDK names the modelled RDS error after its shape.
    const modelled = awsError(RDSServiceException, 'SnapshotQuotaExceededFault', rds.message);
    expect(classify(modelled, true)).toEqual({ type: 'CopySlotBusy', retryable: true });
  });

  it('the same codes elsewhere, or a snapshot count quota, need a person', () => {
    const count = awsError(
      RDSServiceException,
      'SnapshotQuotaExceeded',
      'The request cannot be processed because it would exceed the maximum number of snapshots.',
    );
    expect(classify(count, true)).toEqual({ type: 'QuotaExceeded', retryable: false });
    const ebs = awsError(
      EC2ServiceException,
      'ResourceLimitExceeded',
      'Too many snapshot copies in progress.',
    );
    expect(classify(ebs, false)).toEqual({ type: 'QuotaExceeded', retryable: false });
    for (const code of [
      'InstanceQuotaExceeded',
      'DBClusterQuotaExceededFault',
      'StorageQuotaExceeded',
      'VcpuLimitExceeded',
    ]) {
      expect(classify(awsError(RDSServiceException, code, 'quota'))).toEqual({
        type: 'QuotaExceeded',
        retryable: false,
      });
    }
  });

  it('names held by something else are NameConflict', () => {
    for (const code of [
      'DBSnapshotAlreadyExists',
      'DBInstanceAlreadyExists',
      'DBClusterAlreadyExistsFault',
      'DBClusterSnapshotAlreadyExistsFault',
    ]) {
      expect(classify(awsError(RDSServiceException, code, 'exists'))).toEqual({
        type: 'NameConflict',
        retryable: false,
      });
    }
    expect(classify(awsError(EC2ServiceException, 'InvalidAMIName.Duplicate', 'AMI name in use'))).toEqual({
      type: 'NameConflict',
      retryable: false,
    });
  });

  it('access problems, including a refused AssumeRole, are AccessDenied', () => {
    expect(
      classify(
        awsError(STSServiceException, 'AccessDenied', 'not authorized to perform sts:AssumeRole', 403),
      ),
    ).toEqual({
      type: 'AccessDenied',
      retryable: false,
    });
    expect(
      classify(awsError(EC2ServiceException, 'UnauthorizedOperation', 'You are not authorized')),
    ).toEqual({
      type: 'AccessDenied',
      retryable: false,
    });
  });

  it('throttling and server errors are retried', () => {
    expect(
      classify(awsError(EC2ServiceException, 'RequestLimitExceeded', 'Request limit exceeded.')),
    ).toEqual({
      type: 'Throttled',
      retryable: true,
    });
    expect(classify(awsError(RDSServiceException, 'Throttling', 'Rate exceeded'))).toEqual({
      type: 'Throttled',
      retryable: true,
    });
    expect(classify(awsError(EC2ServiceException, 'InternalError', 'oops', 500))).toEqual({
      type: 'AwsServerError',
      retryable: true,
    });
  });

  it('resources in a transitional state are NotReady; KMS problems go to a person', () => {
    for (const code of [
      'InvalidDBInstanceState',
      'InvalidDBSnapshotState',
      'InvalidDBClusterStateFault',
      'IncorrectInstanceState',
    ]) {
      expect(classify(awsError(RDSServiceException, code, 'busy'))).toEqual({
        type: 'NotReady',
        retryable: true,
      });
    }
    expect(classify(awsError(EC2ServiceException, 'InvalidSnapshot.InUse', 'in use by ami-1'))).toEqual({
      type: 'NotReady',
      retryable: true,
    });
    expect(classify(awsError(RDSServiceException, 'KMSKeyNotAccessibleFault', 'key disabled'))).toEqual({
      type: 'KmsKeyProblem',
      retryable: false,
    });
  });

  it('gone images and malformed ids or forbidden operations need a person', () => {
    expect(classify(awsError(EC2ServiceException, 'InvalidAMIID.Unavailable', 'deregistered'))).toEqual({
      type: 'NotFound',
      retryable: false,
    });
    expect(classify(awsError(EC2ServiceException, 'InvalidInstanceID.Malformed', 'bad id'))).toEqual({
      type: 'InvalidParameter',
      retryable: false,
    });
    expect(
      classify(awsError(EC2ServiceException, 'OperationNotPermitted', 'termination protection')),
    ).toEqual({
      type: 'InvalidParameter',
      retryable: false,
    });
  });
});
