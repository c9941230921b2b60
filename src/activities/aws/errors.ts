import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { operatorAction, type NeedsPersonFailure, type RetryableFailure } from '../../domain/failures.js';
import { throwIfCancelled } from './heartbeat.js';

/** The parts of an AWS SDK v3 error we classify by. */
interface AwsErrorShape {
  name?: string;
  Code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
  'LimitExceededException', // DynamoDB: too many concurrent control-plane operations
  'TransactionInProgressException',
]);
const SERVER = new Set([
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerErrorException',
]);
const ACCESS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthFailure',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'NotAuthorized',
  'OptInRequired',
]);
const QUOTA =
  /QuotaExceeded|LimitExceeded$|^ResourceLimitExceeded$|InsufficientDBInstanceCapacity|StorageQuotaExceeded|VcpuLimitExceeded|InstanceLimitExceeded|^TooManyBuckets$/;
const CONFLICT =
  /AlreadyExists|Duplicate|^ResourceInUseException$|^TableAlreadyExistsException$|^InvalidAMIName\.Duplicate$/;
const INVALID =
  /^(InvalidParameter|InvalidParameterValue|InvalidParameterCombination|ValidationError|ValidationException|MissingParameter|InvalidInput|InvalidRequest|UnsupportedOperation|InvalidChangeBatch|OperationNotPermitted)|\.Malformed$/;
// EC2 answers InvalidAMIID.Unavailable for a deregistered image: as gone as NotFound.
const NOT_FOUND =
  /NotFound|^ResourceNotFoundException$|^NoSuch|^TableNotFoundException$|^BackupNotFoundException$|^InvalidAMIID\.Unavailable$/;
/**
 * What AWS answers when too many snapshot copies are already in flight to a region (EC2: 20 EBS
 * snapshot copies, RDS/Aurora: 5 cross-region copies). The workflows hold copy slots, so this means
 * someone outside the plan is copying too: wait for a slot, it is not a quota a person must raise.
 */
const COPY_LIMIT_CODE =
  /^(ResourceLimitExceeded|SnapshotQuotaExceeded(Fault)?|DBSnapshotQuotaExceeded|SnapshotCopyLimitExceeded|ConcurrentSnapshotCopyLimitExceeded)$/;
const COPY_LIMIT_MESSAGE = /concurrent|in progress|at a time|at the same time|at once|simultaneous|copies/i;
const KMS = /^KMS|KMSKey|InvalidKMSKey|KmsKey|^KMSAccessDeniedException|^InvalidKeyUsage/;
const NOT_READY =
  /^Invalid.*State(Fault)?$|^IncorrectInstanceState$|^IncorrectState$|InvalidSnapshot\.InUse|^ResourceNotReady/;

export interface ClassifyContext {
  /** What we were doing, e.g. "CopyDBSnapshot shop-db into us-east-1" */
  what: string;
  /** The role the call ran as (named in AccessDenied messages). */
  roleArn?: string;
  /** A snapshot/AMI copy call: a concurrent-copy limit answer is CopySlotBusy, not QuotaExceeded. */
  copy?: boolean;
}

function isCopyLimit(code: string, error: AwsErrorShape): boolean {
  return COPY_LIMIT_CODE.test(code) && COPY_LIMIT_MESSAGE.test(error.message ?? '');
}

function codeOf(error: AwsErrorShape): string {
  return error.name && error.name !== 'Error' ? error.name : (error.Code ?? 'Unknown');
}

/**
 * The error's message; a HEAD request's error has no body (S3 HeadBucket/HeadObject), so the SDK
 * says only "UnknownError": the HTTP status then says what AWS meant.
 */
function messageOf(code: string, error: AwsErrorShape): string {
  const message = error.message ?? '';
  const status = error.$metadata?.httpStatusCode;
  if (message && message !== 'UnknownError' && message !== code) return message;
  if (status === 403)
    return `HTTP 403 without a body (a HEAD request carries no error code): access denied to this role, by its policy or the resource's`;
  if (status !== undefined) return `HTTP ${status} without a body (a HEAD request carries no error code)`;
  return message;
}

function needsPerson(
  type: NeedsPersonFailure,
  code: string,
  error: AwsErrorShape,
  ctx: ClassifyContext,
): ApplicationFailure {
  const who = ctx.roleArn ? ` (as ${ctx.roleArn})` : '';
  return ApplicationFailure.create({
    type,
    nonRetryable: true,
    message: `${ctx.what}${who} failed: ${code}: ${messageOf(code, error)} — ${operatorAction(type)}`,
    details: [{ code, requestId: error.$metadata?.requestId, what: ctx.what }],
  });
}

function retryable(
  type: RetryableFailure,
  code: string,
  error: AwsErrorShape,
  ctx: ClassifyContext,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    nonRetryable: false,
    message: `${ctx.what}: ${code}: ${messageOf(code, error)}`,
    details: [{ code, requestId: error.$metadata?.requestId }],
  });
}

/**
 * Turns an AWS SDK error into an ApplicationFailure whose type the workflows understand: retryable
 * (throttling, 5xx, a resource not ready yet) or needing a person (access, quota, name conflict, bad
 * parameter, missing resource, KMS), with a message that says what to do. Anything else is returned
 * unchanged, so Temporal retries it within the activity's bounded retry policy.
 */
export function classifyAwsError(error: unknown, ctx: ClassifyContext): Error {
  if (error instanceof ApplicationFailure || error instanceof CancelledFailure) return error;
  if (!(error instanceof Error)) return new Error(`${ctx.what}: ${String(error)}`);
  const aws = error as Error & AwsErrorShape;
  const code = codeOf(aws);
  const status = aws.$metadata?.httpStatusCode;
  if (THROTTLING.has(code) || status === 429) return retryable('Throttled', code, aws, ctx);
  if (SERVER.has(code) || aws.$fault === 'server' || (status !== undefined && status >= 500))
    return retryable('AwsServerError', code, aws, ctx);
  if (KMS.test(code)) return needsPerson('KmsKeyProblem', code, aws, ctx);
  if (ACCESS.has(code) || status === 403) return needsPerson('AccessDenied', code, aws, ctx);
  if (ctx.copy && isCopyLimit(code, aws)) return retryable('CopySlotBusy', code, aws, ctx);
  if (QUOTA.test(code)) return needsPerson('QuotaExceeded', code, aws, ctx);
  if (CONFLICT.test(code)) return needsPerson('NameConflict', code, aws, ctx);
  if (NOT_FOUND.test(code)) return needsPerson('NotFound', code, aws, ctx);
  if (NOT_READY.test(code)) return retryable('NotReady', code, aws, ctx);
  if (INVALID.test(code)) return needsPerson('InvalidParameter', code, aws, ctx);
  return aws;
}

/**
 * For read-only checks that turn failures into findings: a transient failure (throttling, a 5xx, not
 * ready) says nothing about what is checked, so it is thrown (classified) for the activity's retry.
 */
export function throwIfTransient(error: unknown, what: string): void {
  const classified = classifyAwsError(error, { what });
  if (classified instanceof ApplicationFailure && !classified.nonRetryable) throw classified;
}

/** Runs one AWS call and classifies its failure. */
export async function aws<T>(ctx: ClassifyContext, call: () => Promise<T>): Promise<T> {
  // A cancelled activity makes no further AWS call (decision 0030).
  throwIfCancelled();
  try {
    return await call();
  } catch (error) {
    throw classifyAwsError(error, ctx);
  }
}

/** The AWS error code of an SDK error (for the cases a module handles itself, e.g. "already exists"). */
export function awsErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return codeOf(error as Error & AwsErrorShape);
}

export function needsPersonFailure(
  type: NeedsPersonFailure,
  message: string,
  details?: unknown,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    nonRetryable: true,
    message: `${message} — ${operatorAction(type)}`,
    details: details === undefined ? [] : [details],
  });
}

/** A retryable "not yet" (Temporal-driven polling: the activity's retry policy sets the interval). */
export function notReady(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'NotReady', nonRetryable: false, message });
}
