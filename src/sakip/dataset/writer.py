"""Writing an office dataset as YAML with exact numbers (the reverse of `loader.parse_text`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """YAML with exact decimals: a Decimal is written as its own text, never through a float; no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # a value used twice is written twice: the reader allows only a few aliases


def _decimal_representer(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") if "." in text else text
    if "." in text:
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)
    return dumper.represent_scalar("tag:yaml.org,2002:int", text)


_Dumper.add_representer(Decimal, _decimal_representer)


def dump_yaml(doc: Any) -> str:
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
