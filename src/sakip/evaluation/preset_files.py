"""The LKE preset files (``presets/*.yaml``) as plain data; no Django, so the CLI can read them too."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sakip.domain.evaluation import EvaluationError, Framework, framework_from_dict

PRESETS: dict[str, str] = {
    "permenpanrb-88-2021": "permenpanrb-88-2021.yaml",
    "permenpanrb-12-2015": "permenpanrb-12-2015.yaml",
}
DEFAULT_PRESET = "permenpanrb-88-2021"


def preset_text(code: str) -> str:
    if code not in PRESETS:
        raise EvaluationError([f"unknown LKE preset {code!r}; presets are {', '.join(PRESETS)}"])
    return resources.files("sakip.evaluation").joinpath("presets", PRESETS[code]).read_text(encoding="utf-8")


def read_data(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EvaluationError([f"{source}: not valid YAML/JSON ({exc})"]) from None
    if not isinstance(data, dict):
        raise EvaluationError([f"{source}: expected a mapping with code, name, answer_sets and components"])
    return data


def preset_data(code: str) -> dict[str, Any]:
    return read_data(preset_text(code), PRESETS.get(code, code))


def load_framework(name: str) -> Framework:
    """A preset by its code, or an LKE file (YAML or JSON) by its path; `EvaluationError` with every problem."""
    if name in PRESETS:
        return framework_from_dict(preset_data(name), PRESETS[name])
    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EvaluationError([f"{name}: cannot read the file ({exc.strerror})"]) from None
    return framework_from_dict(read_data(text, path.name), path.name)
