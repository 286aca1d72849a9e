"""Reading the project's data files safely: one reader, one YAML loader, one error shape.

Managers and trainers edit profiles, posts, rules and templates by hand, often on Windows, and
audit logs come from whatever tool exported them. Everything those files can do wrong (a foreign
encoding, a huge or deeply nested file, a YAML alias bomb, a key given twice, a value of the
wrong type) ends here as one ``DataFileError`` that names the file, the field, the value and
what was expected, in Dutch. ``sim`` and ``trainer`` both use this package and never each other.
"""

from datafiles.errors import (
    VALUE_MAX_CHARS,
    DataFileError,
    FieldProblem,
    describe_kind,
    dotted_path,
    field_problems,
    show_value,
)
from datafiles.read import DecodedText, decode_bytes, read_text
from datafiles.yaml_load import (
    MAX_ALIAS_EXPANSION_NODES,
    MAX_NESTING_DEPTH,
    YamlDocument,
    load_yaml,
    parse_yaml,
)

__all__ = [
    "MAX_ALIAS_EXPANSION_NODES",
    "MAX_NESTING_DEPTH",
    "VALUE_MAX_CHARS",
    "DataFileError",
    "DecodedText",
    "FieldProblem",
    "YamlDocument",
    "decode_bytes",
    "describe_kind",
    "dotted_path",
    "field_problems",
    "load_yaml",
    "parse_yaml",
    "read_text",
    "show_value",
]
