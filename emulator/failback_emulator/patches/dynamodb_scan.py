"""Scan without copying the table. moto 5.2.1's Table.scan deep-copies every item it returns, sums
every item's size twice through DynamoType objects made for the purpose, sorts the whole table by
Python-level comparisons and hashes every key again for its segment, on every page; a parallel scan
of a 1,000-item table (the failback's copy and its verification) cost the emulator seconds of CPU per
table, which bounded the benchmark. A plain scan (no index, no legacy ScanFilter, no projection) only
reads the items before they are serialised, so it returns them as they are; the table is sorted by
plain keys, sizes are summed over the raw values, segments are remembered per key: the same items,
order, pages, segments, keys and counts."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, Table
from moto.utilities.utils import md5_hash

from .common import replace

_SETS = {"SS": "S", "NS": "N", "BS": "B"}


def _value_size(kind: str, value: Any) -> int:
    """DynamoType.size without making a DynamoType per set member and map value."""
    if kind == "N":
        return len(str(value))
    if kind in _SETS:
        member = _SETS[kind]
        return sum(_value_size(member, v) for v in value)
    if kind == "L":
        return sum(_value_size(v.type, v.value) for v in value)
    if kind == "M":
        return sum(len(k.encode("utf-8")) + _value_size(v.type, v.value) for k, v in value.items())
    if isinstance(value, bool):
        return 1
    return len(value) if isinstance(value, (bytes, bytearray)) else len(value.encode("utf-8"))


def _item_size(self: Item) -> int:
    return sum(len(k.encode("utf-8")) + _value_size(v.type, v.value) for k, v in self.attrs.items())


def _key(value: DynamoType) -> Any:
    """What DynamoType's comparisons compare (cast_value), as a plain value sorted in C."""
    return Decimal(value.value) if value.type == "N" else value.value


def _all_items(self: Table) -> list[Item]:
    items: list[Item] = []
    for hash_set in self.items.values():
        if self.range_key_attr:
            items.extend(hash_set.values())
        else:
            items.append(hash_set)  # type: ignore[arg-type]
    if self.range_key_attr:
        return sorted(items, key=lambda x: (_key(x.hash_key), _key(x.range_key)) if x.range_key else _key(x.hash_key))
    return sorted(items, key=lambda x: _key(x.hash_key))


@lru_cache(maxsize=1 << 17)
def _segment_of(hash_value: str, total_segments: int) -> int:
    return md5_hash(hash_value.encode("utf8")).digest()[0] % total_segments


def _is_within_segment(self: Item, segments: tuple[None, None] | tuple[int, int]) -> bool:
    if segments == (None, None):
        return True
    if not isinstance(self.hash_key.value, str):
        return _is_within_segment.__wrapped__(self, segments)  # type: ignore[attr-defined, no-any-return]
    segment, total_segments = segments
    return _segment_of(self.hash_key.value, total_segments) == segment


def _scan(
    self: Table,
    filters: dict[str, Any],
    limit: int,
    exclusive_start_key: dict[str, Any],
    filter_expression: Any = None,
    index_name: str | None = None,
    consistent_read: bool = False,
    projection_expression: list[list[str]] | None = None,
    segments: tuple[None, None] | tuple[int, int] = (None, None),
) -> tuple[list[Item], int, dict[str, Any] | None]:
    if index_name or filters or projection_expression:
        return _scan.__wrapped__(  # type: ignore[attr-defined, no-any-return]
            self,
            filters,
            limit,
            exclusive_start_key,
            filter_expression,
            index_name,
            consistent_read,
            projection_expression,
            segments=segments,
        )
    hash_attrs = [self.hash_key_attr]
    range_attrs = [self.range_key_attr]
    results: list[Item] = []
    result_size = 0
    last_evaluated_key = None
    before_start = exclusive_start_key is not None
    for item in self.all_items():
        if not item.is_within_segment(segments):
            continue
        if before_start:
            if self._item_comes_before_dct(item, exclusive_start_key, hash_attrs, range_attrs, True):
                continue
            before_start = False
        size = item.size()
        if len(results) == limit or result_size + size > RESULT_SIZE_LIMIT:
            last_evaluated_key = self._get_last_evaluated_key(results[-1], index_name)
            break
        results.append(item)
        result_size += size
    scanned_count = len(results)
    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]
    return results, scanned_count, last_evaluated_key


def install() -> None:
    replace(Table, "scan", _scan)
    replace(Table, "all_items", _all_items)
    replace(Item, "size", _item_size)
    replace(Item, "is_within_segment", _is_within_segment)
