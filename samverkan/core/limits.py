"""The input limits every entry path shares: the report form, the API, Open311 and imports.

One set, so that a report one path accepts is never refused by another, and so that no value
reaches the database that it cannot hold (an integer beyond 64 bits answers 422, not 500):

- a report's description: at most `DESCRIPTION_MAX_LENGTH` characters (Open311's own limit);
- times: from `EARLIEST` (1 January 1900) to now (plus the clock skew the services allow);
- ids and other integers in a query or a body: within a signed 64-bit integer (`DB_INT_MAX`);
- positions: WGS 84 degrees, then inside a municipality of the agreement (places.geometry).

docs/security.md lists them; the OpenAPI document carries them as minimum/maximum/maxLength.

`memory_cap` bounds what one background import may take: in the worker process (the
`worker` command calls `mark_worker_process`) the address space (RLIMIT_AS) is lowered to
what the process uses plus SAMVERKAN_IMPORT_MAX_MEMORY_MB for the import's duration, so an
import that would need more meets MemoryError (its run fails with a message) instead of
taking the machine's memory. Elsewhere (a web process serving other requests at the same
time) nothing is lowered: the file limits of `imports.tabular` bound those imports.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from pydantic import Field

DESCRIPTION_MAX_LENGTH = 4000
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
DB_INT_MAX = 2**63 - 1

# For API schemas and query parameters: an id (1 and up) the database can hold.
DbId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]


def is_db_int(text: str) -> bool:
    """`text` is a non-negative integer the database can hold (for hand-parsed queries)."""
    return text.isascii() and text.isdigit() and int(text) <= DB_INT_MAX


_PROCESS = {"worker": False}


def mark_worker_process(worker: bool = True) -> None:
    """This process runs background tasks: `memory_cap` applies in it."""
    _PROCESS["worker"] = worker


def _address_space() -> int | None:
    """This process's virtual memory in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def memory_cap(megabytes: int) -> Iterator[bool]:
    """Within the block, the worker process may take at most `megabytes` more memory
    (RLIMIT_AS); yields whether a cap was set (not outside the worker, not with 0, not where
    the system cannot say or a stricter limit is already set)."""
    try:
        import resource
    except ImportError:  # not on this system
        resource = None
    current = _address_space()
    if not _PROCESS["worker"] or megabytes <= 0 or resource is None or current is None:
        yield False
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = current + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield False
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield True
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
