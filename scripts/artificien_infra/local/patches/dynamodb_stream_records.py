"""Keep DynamoDB stream records when a Lambda event source mapping reads the stream, for moto 5.2.

moto 5.2 hands every new stream record to the functions mapped to the table's stream. Without a
Docker engine the invocation fails, moto takes the error text for a result and empties the
shard: ``GetRecords`` then returns nothing and the next sequence numbers start over. Locally the
project's trigger runner (``artificien-infra local triggers``) delivers the records to the
handlers in-process instead, so this patch only records them, exactly as moto does when no
mapping exists.
"""

from typing import Any

from moto.dynamodb.models.table import StreamRecord, StreamShard

_MARK = "_artificien_keeps_records"


def _add(self: StreamShard, old: Any, new: Any) -> None:
    view_type = self.table.stream_specification["StreamViewType"]  # type: ignore[index]
    if old is None:
        event_name = "INSERT"
    elif new is None:
        event_name = "REMOVE"
    else:
        event_name = "MODIFY"
    sequence_number = len(self.items) + self.starting_sequence_number
    self.items.append(StreamRecord(self.table, view_type, event_name, old, new, sequence_number))


def register() -> None:
    if getattr(StreamShard.add, _MARK, False):
        return
    setattr(_add, _MARK, True)
    StreamShard.add = _add  # type: ignore[method-assign]
