"""Write ``schema/arrow.py``, the Arrow schemas of the pandera models as plain pyarrow code.

    python -m schema.generate_arrow          # after changing a model's columns

The models stay the one source of truth; ``schema/arrow.py`` is generated from them so that the
build's worker processes, which only shape rows, need neither pandas nor pandera (~0.45 s of
imports). ``tests/test_schema.py`` fails while the file differs from what this writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa

#: the generated module
TARGET = Path(__file__).with_name("arrow.py")

HEADER = '''"""The Arrow schema of every published table, so that code shaping rows needs no pandera.

GENERATED from the pandera models (``schema.TABLES``) by ``python -m schema.generate_arrow``:
do not edit; run that command after changing a model. ``tests/test_schema.py`` fails while this
file is stale. The build's worker processes shape rows with these schemas and so never import
pandas or pandera (~0.45 s); the main process imports those while the workers run.
"""

from __future__ import annotations

import pyarrow as pa
'''

#: Arrow types written as a constructor call without arguments
_PLAIN = {
    pa.string(): "pa.string()",
    pa.large_string(): "pa.large_string()",
    pa.bool_(): "pa.bool_()",
    pa.int8(): "pa.int8()",
    pa.int16(): "pa.int16()",
    pa.int32(): "pa.int32()",
    pa.int64(): "pa.int64()",
    pa.float32(): "pa.float32()",
    pa.float64(): "pa.float64()",
    pa.date32(): "pa.date32()",
}


def _quoted(text: str) -> str:
    """A Python string literal in double quotes (the project's style)."""
    return json.dumps(text, ensure_ascii=False)


def type_code(arrow_type: pa.DataType) -> str:
    """The pyarrow expression that makes ``arrow_type``.

    Example: ``type_code(pa.list_(pa.string()))`` → ``"pa.list_(pa.string())"``
    """
    if arrow_type in _PLAIN:
        return _PLAIN[arrow_type]
    if pa.types.is_timestamp(arrow_type):
        zone = f", tz={_quoted(arrow_type.tz)}" if arrow_type.tz else ""
        return f"pa.timestamp({_quoted(arrow_type.unit)}{zone})"
    if pa.types.is_list(arrow_type):
        return f"pa.list_({field_code(arrow_type.value_field)})"
    if pa.types.is_struct(arrow_type):
        return "pa.struct([" + ", ".join(field_code(field) for field in arrow_type) + "])"
    raise ValueError(
        f"schema/generate_arrow.py cannot write the Arrow type {arrow_type}: add it to type_code"
    )


def field_code(field: pa.Field) -> str:
    """The pyarrow expression that makes ``field`` (a list's default item field as its bare type)."""
    if field.metadata:
        raise ValueError(f"column {field.name}: field metadata is not written out; add it to field_code")
    if field.name == "item" and field.nullable:
        return type_code(field.type)
    nullable = "" if field.nullable else ", nullable=False"
    return f"pa.field({_quoted(field.name)}, {type_code(field.type)}{nullable})"


def render() -> str:
    """The text of ``schema/arrow.py`` for the current models."""
    import schema

    lines = [HEADER, "#: published tables in dependency order (the keys of ``schema.TABLES``)"]
    lines.append(f"TABLE_NAMES = ({', '.join(_quoted(table) for table in schema.TABLES)})")
    lines += ["", "#: table → its Arrow schema, equal to ``schema.arrow_schema(table)``"]
    lines.append("ARROW_SCHEMAS: dict[str, pa.Schema] = {")
    for table in schema.TABLES:
        lines.append(f"    {_quoted(table)}: pa.schema(")
        lines.append("        [")
        lines += [f"            {field_code(field)}," for field in schema.arrow_schema(table)]
        lines.append("        ]")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
