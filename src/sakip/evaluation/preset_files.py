"""The LKE preset files (``presets/*.yaml``) as plain data; no Django, so the CLI can read them too."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from sakip.dataset.reading import DocumentError, load_yaml
from sakip.domain.errors import N_, msg
from sakip.domain.evaluation import EvaluationError, Framework, framework_from_dict

PRESETS: dict[str, str] = {
    "permenpanrb-88-2021": "permenpanrb-88-2021.yaml",
    "permenpanrb-12-2015": "permenpanrb-12-2015.yaml",
}
DEFAULT_PRESET = "permenpanrb-88-2021"


def preset_text(code: str) -> str:
    if code not in PRESETS:
        raise EvaluationError(
            [
                msg(
                    N_("preset LKE '%(code)s' tidak dikenal; preset yang ada: %(presets)s"),
                    code=code,
                    presets=", ".join(PRESETS),
                )
            ]
        )
    return resources.files("sakip.evaluation").joinpath("presets", PRESETS[code]).read_text(encoding="utf-8")


def read_data(text: str, source: str) -> dict[str, Any]:
    try:
        data = load_yaml(text)  # the limits of every YAML read from outside (aliases, depth, numbers)
    except DocumentError as exc:
        raise EvaluationError(
            [msg(N_("%(path)s: bukan YAML/JSON yang sah (%(error)s)"), path=source, error=exc)]
        ) from None
    if not isinstance(data, dict):
        raise EvaluationError(
            [msg(N_("%(path)s: harus berupa pemetaan dengan code, name, answer_sets dan components"), path=source)]
        )
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
        raise EvaluationError(
            [msg(N_("%(path)s: berkas tidak dapat dibaca (%(error)s)"), path=name, error=exc.strerror)]
        ) from None
    return framework_from_dict(read_data(text, path.name), path.name)
