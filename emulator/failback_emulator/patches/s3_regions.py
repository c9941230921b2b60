"""S3 buckets live in one region: a request signed for another region is answered 301
PermanentRedirect with the bucket's region in `x-amz-bucket-region` (S3 User Guide, "Making requests";
the JS SDK v3 follows it only with `followRegionRedirects`), and CreateBucket with a location
constraint other than the endpoint's region is refused (IllegalLocationConstraintException)."""

from __future__ import annotations

from .. import context
from ..errors import AwsError
from ..requests import ApiRequest, split_s3_path

_ANY_REGION = {"ListBuckets", "CreateBucket"}


def _redirect(req: ApiRequest) -> AwsError | None:
    from ..authz.s3_access import find_bucket

    if req.operation == "CreateBucket":
        constraint = req.params.get("_location", "us-east-1") or "us-east-1"
        if constraint != req.region:
            return AwsError(
                400,
                "IllegalLocationConstraintException",
                f"The {constraint} location constraint is incompatible for the region specific endpoint "
                "this request was sent to.",
            )
        return None
    if req.operation in _ANY_REGION:
        return None
    bucket_name, _ = split_s3_path(str(req.params.get("_path", "/")))
    bucket = find_bucket(bucket_name) if bucket_name else None
    if bucket is None or bucket.region_name == req.region:
        return None
    return AwsError(
        301,
        "PermanentRedirect",
        "The bucket you are attempting to access must be addressed using the specified endpoint. "
        "Please send all future requests to this endpoint.",
        headers=(("x-amz-bucket-region", bucket.region_name),),
    )


def install() -> None:
    context.add_guard("s3", _redirect, early=True)
