"""The input limits every entry path shares: the report form, the API, Open311 and imports.

One set, so that a report one path accepts is never refused by another, and so that no value
reaches the database that it cannot hold (an integer beyond 64 bits answers 422, not 500):

- a report's description: at most `DESCRIPTION_MAX_LENGTH` characters (Open311's own limit);
- times: from `EARLIEST` (1 January 1900) to now (plus the clock skew the services allow);
- ids and other integers in a query or a body: within a signed 64-bit integer (`DB_INT_MAX`);
- positions: WGS 84 degrees, then inside a municipality of the agreement (places.geometry).

docs/security.md lists them; the OpenAPI document carries them as minimum/maximum/maxLength.
"""

from __future__ import annotations

import datetime as dt
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
