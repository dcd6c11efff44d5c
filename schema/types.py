"""Arrow-backed column types shared by the table models; the Arrow schema is read back from them."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import pyarrow as pa

String = Annotated[pd.ArrowDtype, pa.string()]
LargeString = Annotated[pd.ArrowDtype, pa.large_string()]
Date = Annotated[pd.ArrowDtype, pa.date32()]
TimestampUTC = Annotated[pd.ArrowDtype, pa.timestamp("us", tz="UTC")]
Int16 = Annotated[pd.ArrowDtype, pa.int16()]
Int32 = Annotated[pd.ArrowDtype, pa.int32()]
StringList = Annotated[pd.ArrowDtype, pa.list_(pa.string())]

#: pattern of the 16-hex-character ids (``article_id``, ``event_id``); pandera anchors only at the start
HEX16 = r"^[0-9a-f]{16}$"
