"""DynamoDB ImportTable: IN_PROGRESS -> COMPLETED, the bucket found by name in any account (an import
from another account's bucket), the imported table CREATING meanwhile. Exports: dynamodb_export.py."""

from __future__ import annotations

import json
from typing import Any

from moto.core.utils import gzip_decompress
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table_import import TableImport
from moto.core.responses import ActionResult
from moto.dynamodb.responses import DynamoHandler
from moto.s3.models import s3_backends

from .. import timing
from ..sizes import GIB
from .common import replace


def bucket_backend(name: str, fallback_account: str) -> Any:
    """The S3 backend holding bucket `name`: bucket names are global, whoever owns them."""
    partition, account = s3_backends.bucket_accounts.get(name, ("aws", fallback_account))
    return s3_backends[account][partition]


def _import_run(self: TableImport) -> None:
    owner = self.s3_source.get("S3BucketOwner") or self.account_id
    backend = bucket_backend(self.s3_source["S3Bucket"], owner)
    bucket = backend.buckets.get(self.s3_source["S3Bucket"])
    if bucket is None:
        self.status, self.failure_code = "FAILED", "S3NoSuchBucket"
        self.failure_message = "The specified bucket does not exist"
        return
    try:
        self._process_s3_files(backend, bucket)
    except Exception as error:  # AWS reports a failed import in DescribeImport, not as an API error
        self.status, self.failure_code, self.failure_message = "FAILED", "UNKNOWN", str(error)


def _process_s3_files(self: TableImport, s3_backend: Any, bucket: Any) -> None:
    """moto's import, reading the files with json instead of py_partiql_parser's pure-Python parser,
    which took ~1 ms per item: a 10,000-item import blocked the ImportTable call for many seconds."""
    from moto.dynamodb.models import dynamodb_backends

    dynamo = dynamodb_backends[self.account_id][self.region_name]
    self.table = dynamo.create_table(
        name=self.table_name,
        billing_mode=self.billing_mode,
        throughput=self.throughput,
        schema=self.key_schema,
        global_indexes=self.global_indexes,
        indexes=None,
        attr=self.attrs,
        sse_specification=None,
        streams=None,
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )
    keys, _, _, _ = s3_backend.list_objects(
        bucket, prefix=self.s3_source.get("S3KeyPrefix"), delimiter=None, marker=None, max_keys=None
    )
    decoder = json.JSONDecoder()
    for key in keys:
        raw = gzip_decompress(key.value) if self.compression_type == "GZIP" else key.value
        content, position = raw.decode("utf-8"), 0
        while True:  # a stream of JSON documents (AWS writes one per line)
            while position < len(content) and content[position].isspace():
                position += 1
            if position >= len(content):
                break
            document, position = decoder.raw_decode(content, position)
            self.processed_count += 1
            self.processed_bytes += len(document)
            try:
                self.table.put_item(item_attrs=document["Item"])
                self.imported_count += 1
            except Exception as error:  # counted as AWS counts item errors, as moto does
                self.failure_message = str(error)
                self.error_count += 1
    self.status = "COMPLETED" if self.error_count == 0 else "FAILED"


def import_table(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> TableImport:
    table_import = import_table.__wrapped__(self, *args, **kwargs)  # type: ignore[attr-defined]
    table_import.join()  # moto runs it on a thread; the timing below is what callers observe
    gib = table_import.processed_bytes / GIB  # the data it read
    transition = timing.begin(table_import, "dynamodb.import", self.account_id, "IN_PROGRESS", gib)
    if table_import.table is not None:
        # The new table is CREATING for exactly as long as its import runs.
        table_import.table.__dict__["_fb_transition"] = timing.Transition(
            "dynamodb.import", "CREATING", transition.started, transition.duration
        )
    return table_import


def list_imports(self: DynamoHandler) -> ActionResult:
    """ListImports (moto has none): the imports of a table, or all, as AWS summarises them."""
    table_arn = self.body.get("TableArn")
    summaries = []
    for table_import in self.dynamodb_backend.table_imports.values():
        if table_arn and table_import.table_arn != table_arn:
            continue
        summaries.append(
            {
                "ImportArn": table_import.arn,
                "ImportStatus": table_import.status,
                "TableArn": table_import.table_arn,
                "S3BucketSource": table_import.s3_source,
                "InputFormat": "DYNAMODB_JSON",
            }
        )
    return ActionResult({"ImportSummaryList": summaries})


def install() -> None:
    DynamoHandler.list_imports = list_imports  # type: ignore[attr-defined]
    timing.lazy_attribute(TableImport, "status")
    replace(TableImport, "run", _import_run)
    replace(TableImport, "_process_s3_files", _process_s3_files)
    replace(DynamoDBBackend, "import_table", import_table)
