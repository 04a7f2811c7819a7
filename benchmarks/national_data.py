"""National synthetic data on PostgreSQL, generated with SQL (issue #12): provinces → regencies → offices,
each office with a plan of 20 indicators, targets, a PK, quarterly targets and realisations for 5 years,
and the kept-figures rows.

Everything is ``INSERT … SELECT … generate_series`` on the server, not the ORM: the full scale (38
provinces, 500 regencies, 27,500 offices, 550,000 indicators, 11 M quarters, 11 M kept indicator rows)
takes minutes. Values are deterministic (a hash of the row's ids), so two runs give the same data.

* The **base tables** (``planning``, ``agreements``, ``monitoring``) are those the domain reads: one
  regency can be recomputed for real (``sakip figures rebuild --regency nat-r0001`` or
  `regency.kept_figures.rebuild`), which replaces its synthetic kept rows by the domain's.
* The **kept figures** (``regency_kept*``) are **synthetic**: computed here in SQL with the simple rule
  of this data (rollup *last*, the PK target in every quarter: achievement = realisation / target, mirrored
  for lower-is-better, floored at 0; the LKjIP 4-band predicate; an office's figure = the mean of its
  indicators). They stand in for the domain's rows **only for the benchmark** (`benchmarks/national.py`):
  the application never computes a figure in SQL. Every generated regency's code starts with ``nat-r``
  and its name with "Kabupaten Sintetis".

Columns the script does not name are filled from the models' own defaults (a field added later by a
migration needs no change here, unless it has no default and is not nullable).

Usage (a database migrated by Django, PostgreSQL only)::

    DATABASE_URL=postgres://… python benchmarks/national_data.py --regencies 50 --offices 55
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Scale:
    provinces: int = 38
    regencies: int = 500
    offices: int = 55  # per regency: 27,500 in all
    indicators: int = 20  # per office, in two objectives
    years: int = 5
    start: int = 2021

    @property
    def total_offices(self) -> int:
        return self.regencies * self.offices


FULL = Scale()
TINY = Scale(provinces=2, regencies=3, offices=2, indicators=4, years=2, start=2024)

PREFIX = "nat-r"  # every generated regency's code


def _hash_value(key: str, low: int, span_hundredths: int) -> str:
    """SQL: a deterministic number in [low, low + span/100] with two decimals, from the text ``key``."""
    return f"({low} + mod(hashtext({key})::bigint + 2147483648, {span_hundredths + 1}) / 100.0)::numeric(8,2)"


def _target(indicator: str, year: str) -> str:
    """The PK target of an indicator-year (also its plan target and every quarter's target): 60–95."""
    return _hash_value(f"{indicator}::text || '-' || {year}::text", 60, 3500)


def _realisation(indicator_year: str, quarter: str) -> str:
    """A quarter's realisation: 40–110."""
    return _hash_value(f"{indicator_year}::text || '/' || {quarter}::text", 40, 7000)


class Writer:
    """``INSERT INTO <model's table> (<every column>) SELECT …``: the named columns' SQL, the others' defaults."""

    def __init__(self, connection: Any, say: Callable[[str], None] = print) -> None:
        self.connection = connection
        self.say = say
        self.timings: dict[str, float] = {}

    def insert(self, model: Any, values: dict[str, str], from_sql: str, params: list[Any] | None = None) -> int:
        columns, exprs, defaults = [], [], []
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            columns.append(f'"{field.column}"')
            if field.column in values:
                exprs.append(values[field.column])
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                exprs.append("now()")
            elif field.has_default():
                exprs.append("%s")
                defaults.append(field.get_db_prep_save(field.get_default(), self.connection))
            elif field.null:
                exprs.append("NULL")
            elif field.get_internal_type() in ("CharField", "TextField", "SlugField"):
                exprs.append("''")
            else:
                raise ValueError(f"{model._meta.label}.{field.name}: no value and no default")
        unknown = set(values) - {f.column for f in model._meta.concrete_fields}
        if unknown:
            raise ValueError(f"{model._meta.label}: unknown columns {sorted(unknown)}")
        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {from_sql}"
        started = time.perf_counter()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*defaults, *(params or [])])
            count = cursor.rowcount
        took = time.perf_counter() - started
        self.timings[model._meta.db_table] = self.timings.get(model._meta.db_table, 0.0) + took
        self.say(f"{model._meta.db_table}: {count:,} rows in {took:.1f} s")
        return int(count)


def generate(connection: Any, scale: Scale, say: Callable[[str], None] = print, kept: bool = True) -> dict[str, float]:
    """Create the synthetic provinces, regencies, offices and their data (and, with ``kept``, the synthetic
    kept figures). Returns the seconds per table. PostgreSQL only; run it once per database."""
    from sakip.accounts.models import Office, Province, Regency
    from sakip.agreements.models import PkTarget, PkVersion
    from sakip.monitoring.models import IndicatorYear, Quarter
    from sakip.planning.models import Goal, Indicator, Objective, PlanPeriod, Target

    if connection.vendor != "postgresql":
        raise SystemExit("national_data: PostgreSQL only (generate_series, hashtext)")
    w = Writer(connection, say)
    first, last = scale.start, scale.start + scale.years - 1
    half = max(scale.indicators // 2, 1)
    generated = f"JOIN accounts_regency r ON r.id = o.regency_id AND r.code LIKE '{PREFIX}%%'"

    w.insert(
        Province,
        {"code": "'nat-p' || lpad(g::text, 2, '0')", "name": "'Provinsi Sintetis ' || g"},
        "FROM generate_series(1, %s) g",
        [scale.provinces],
    )
    w.insert(
        Regency,
        {"code": f"'{PREFIX}' || lpad(g::text, 4, '0')", "name": "'Kabupaten Sintetis ' || g",
         "province": "p.name", "province_group_id": "p.id"},
        "FROM generate_series(1, %s) g "
        "JOIN accounts_province p ON p.code = 'nat-p' || lpad((mod(g - 1, %s) + 1)::text, 2, '0')",
        [scale.regencies, scale.provinces],
    )
    w.insert(
        Office,
        {"regency_id": "r.id", "code": "'opd-' || lpad(j::text, 3, '0')",
         "name": "'Dinas Sintetis ' || j || ' ' || r.name", "kind": "'dinas'", "province": "r.province"},
        f"FROM accounts_regency r CROSS JOIN generate_series(1, %s) j WHERE r.code LIKE '{PREFIX}%%'",
        [scale.offices],
    )
    w.insert(
        PlanPeriod,
        {"office_id": "o.id", "kind": "'renstra'", "start_year": str(first), "end_year": str(last),
         "vision": "'Visi sintetis'"},
        f"FROM accounts_office o {generated}",
    )
    plans = f"FROM planning_planperiod p JOIN accounts_office o ON o.id = p.office_id {generated}"
    w.insert(Goal, {"plan_id": "p.id", "code": "'T1'", "text": "'Tujuan sintetis'"}, plans)
    w.insert(
        Objective,
        {"plan_id": "p.id", "goal_id": "gl.id", "code": "'S' || s", "text": "'Sasaran sintetis ' || s",
         "order": "s"},
        f"{plans} JOIN planning_goal gl ON gl.plan_id = p.id CROSS JOIN generate_series(1, 2) s",
    )
    w.insert(
        Indicator,
        {"plan_id": "ob.plan_id", "objective_id": "ob.id", "code": "ob.code || '.' || i",
         "name": "'Indikator ' || ob.code || '.' || i || ' (sintetis)'", "unit": "'%%'",
         "polarity": "CASE WHEN mod(i, 5) = 0 THEN 'lower_is_better' ELSE 'higher_is_better' END",
         "iku": "i = 1", "order": "i"},
        f"FROM planning_objective ob JOIN planning_planperiod p ON p.id = ob.plan_id "
        f"JOIN accounts_office o ON o.id = p.office_id {generated} "
        "CROSS JOIN generate_series(1, %s) i WHERE (ob.code = 'S1' AND i <= %s) OR (ob.code = 'S2' AND i <= %s)",
        [max(half, scale.indicators - half), half, scale.indicators - half],
    )
    indicators = (
        "FROM planning_indicator i JOIN planning_planperiod p ON p.id = i.plan_id "
        f"JOIN accounts_office o ON o.id = p.office_id {generated} CROSS JOIN generate_series(%s, %s) y"
    )
    w.insert(Target, {"indicator_id": "i.id", "year": "y", "value": _target("i.id", "y")}, indicators, [first, last])
    w.insert(
        PkVersion,
        {"office_id": "o.id", "year": "y", "number": "1", "kind": "'original'",
         "title": "'Perjanjian Kinerja sintetis ' || y"},
        f"FROM accounts_office o {generated} CROSS JOIN generate_series(%s, %s) y",
        [first, last],
    )
    w.insert(
        PkTarget,
        {"version_id": "v.id", "indicator_id": "i.id", "value": _target("i.id", "v.year"), "order": "i.\"order\""},
        "FROM agreements_pkversion v JOIN accounts_office o ON o.id = v.office_id "
        f"{generated} JOIN planning_planperiod p ON p.office_id = o.id JOIN planning_indicator i ON i.plan_id = p.id",
    )
    w.insert(IndicatorYear, {"indicator_id": "i.id", "year": "y"}, indicators, [first, last])
    w.insert(
        Quarter,
        {"indicator_year_id": "iy.id", "quarter": "q", "target": _target("iy.indicator_id", "iy.year"),
         "value": _realisation("iy.id", "q")},
        "FROM monitoring_indicatoryear iy JOIN planning_indicator i ON i.id = iy.indicator_id "
        "JOIN planning_planperiod p ON p.id = i.plan_id "
        f"JOIN accounts_office o ON o.id = p.office_id {generated} CROSS JOIN generate_series(1, 4) q",
    )
    if kept:
        synthetic_kept_figures(w)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        # VACUUM sets the visibility map (index-only scans); it cannot run in a transaction (the tests)
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        w.timings["analyze"] = time.perf_counter() - started
    return w.timings


def synthetic_kept_figures(w: Writer) -> None:
    """The kept-figures rows of every generated office-year, computed in SQL (see the module's docstring:
    synthetic, for the benchmark only), at version 1 and current."""
    from sakip.regency.models import KeptAggregate, KeptIndicator, KeptOffice, KeptOfficeYear

    generated = f"JOIN accounts_regency r ON r.id = o.regency_id AND r.code LIKE '{PREFIX}%%'"
    w.insert(
        KeptOfficeYear,
        {"office_id": "o.id", "year": "v.year", "version": "1", "changes": "1", "included": "1",
         "computed_at": "now()"},
        f"FROM agreements_pkversion v JOIN accounts_office o ON o.id = v.office_id {generated}",
    )
    ratio = "(qq.value / qq.target * 100)"
    achievement = (
        f"round(CASE WHEN i.polarity = 'lower_is_better' THEN greatest(200 - {ratio}, 0) ELSE {ratio} END, 6)"
    )
    w.insert(
        KeptIndicator,
        {"office_id": "o.id", "year": "iy.year", "quarter": "qq.quarter", "version": "1", "indicator": "i.code",
         "name": "i.name", "level": "'objective'", "parent": "ob.code", "in_pk": "true",
         "target": "qq.target::text", "realisation": "qq.value::text", "achievement": "a.v::text",
         "achievement_num": "a.v", "status": "'measured'",
         "category": "CASE WHEN a.v < 55 THEN 'Kurang' WHEN a.v < 75 THEN 'Cukup' WHEN a.v <= 100 THEN 'Baik' "
                     "ELSE 'Sangat Baik' END",
         "color": "CASE WHEN a.v < 55 THEN 'red' WHEN a.v < 75 THEN 'yellow' WHEN a.v <= 100 THEN 'lime' "
                  "ELSE 'green' END"},
        "FROM monitoring_quarter qq JOIN monitoring_indicatoryear iy ON iy.id = qq.indicator_year_id "
        "JOIN planning_indicator i ON i.id = iy.indicator_id JOIN planning_objective ob ON ob.id = i.objective_id "
        f"JOIN planning_planperiod p ON p.id = i.plan_id JOIN accounts_office o ON o.id = p.office_id {generated} "
        f"CROSS JOIN LATERAL (SELECT {achievement} AS v) a",
    )
    band = (
        "CASE WHEN {v} < 55 THEN '{a}' WHEN {v} < 75 THEN '{b}' WHEN {v} <= 100 THEN '{c}' ELSE '{d}' END"
    )
    mean = "round(avg(k.achievement_num), 6)"
    w.insert(
        KeptOffice,
        {"office_id": "k.office_id", "year": "k.year", "quarter": "k.quarter", "version": "1",
         "achievement": f"{mean}::text", "achievement_num": mean,
         "category": band.format(v=mean, a="Kurang", b="Cukup", c="Baik", d="Sangat Baik"),
         "color": band.format(v=mean, a="red", b="yellow", c="lime", d="green"),
         "measured": "count(*)", "not_measured": "0", "undefined": "0",
         "weakest_id": "(array_agg(k.indicator ORDER BY k.achievement_num, k.indicator))[1]",
         "weakest_name": "(array_agg(k.name ORDER BY k.achievement_num, k.indicator))[1]",
         "weakest_achievement": "(array_agg(k.achievement ORDER BY k.achievement_num, k.indicator))[1]",
         "weakest_color": "(array_agg(k.color ORDER BY k.achievement_num, k.indicator))[1]"},
        f"FROM regency_keptindicator k JOIN accounts_office o ON o.id = k.office_id {generated} "
        "GROUP BY k.office_id, k.year, k.quarter",
    )
    w.insert(
        KeptAggregate,
        {"office_id": "k.office_id", "year": "k.year", "quarter": "k.quarter", "version": "1",
         "level": "'objective'", "ref": "k.parent", "text": "'Sasaran sintetis ' || k.parent",
         "achievement": f"{mean}::text", "achievement_num": mean,
         "category": band.format(v=mean, a="Kurang", b="Cukup", c="Baik", d="Sangat Baik"),
         "color": band.format(v=mean, a="red", b="yellow", c="lime", d="green"), "measured": "count(*)"},
        f"FROM regency_keptindicator k JOIN accounts_office o ON o.id = k.office_id {generated} "
        "GROUP BY k.office_id, k.year, k.quarter, k.parent",
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=FULL.provinces)
    parser.add_argument("--regencies", type=int, default=FULL.regencies)
    parser.add_argument("--offices", type=int, default=FULL.offices, help="per regency")
    parser.add_argument("--indicators", type=int, default=FULL.indicators)
    parser.add_argument("--years", type=int, default=FULL.years)
    parser.add_argument("--no-kept", action="store_true", help="only the base tables")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")
    import django

    django.setup()
    from django.db import connection

    scale = Scale(args.provinces, args.regencies, args.offices, args.indicators, args.years)
    started = time.perf_counter()
    generate(connection, scale, kept=not args.no_kept)  # each statement commits (VACUUM at the end)
    print(f"national_data: {scale.total_offices:,} offices in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
