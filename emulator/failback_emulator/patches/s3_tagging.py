"""PutBucketTagging replaces a bucket's tag set in one step, as S3 does: a GetBucketTagging at the
same moment sees the old set or the new one. moto 5.2.1 deletes every tag, then adds the new ones;
under the threaded server a concurrent reader saw a bucket with no tags at all, and the orchestrator
rightly took a tagged, non-empty bucket of its own for someone else's (NameConflict)."""

from __future__ import annotations

from moto.s3.models import S3Backend

from .common import replace


def put_bucket_tagging(self: S3Backend, bucket_name: str, tags: dict[str, str]) -> None:
    bucket = self.get_bucket(bucket_name)
    tagger = self.tagger
    if tags:
        # One dict assignment: readers iterate the old dict or the new one, never a half-built one.
        tagger.tags[bucket.arn] = {key: value for key, value in tags.items()}
    else:
        tagger.delete_all_tags_for_resource(bucket.arn)


def install() -> None:
    replace(S3Backend, "put_bucket_tagging", put_bucket_tagging)
