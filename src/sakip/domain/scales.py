"""Predicate scales: achievement → category, as data (SPEC §4 "Predicate scales").

A `PredicateScale` is a list of bands that must partition the whole number line:
the lowest band is open below, the highest open above, and each band's upper
bound is the next band's lower bound with exactly one of the two sides
inclusive. Anything else — a gap such as the seeds' ``75 < x < 76``, or an
overlap — is refused by `PredicateScale.__init__` with a message naming the two
bands.

Values are classified after rounding half up to two decimals, the precision at
which they are displayed, so a table never shows ``100,00 %`` next to a band
that starts at 100 while the category says otherwise.

`OrdinalScale` is the ordered list of grades of a qualitative indicator
(AKIP ``D < C < CC < B < BB < A < AA``, audit opinions ``TMP < TW < WDP < WTP``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from .errors import N_, Message, ScaleError
from .numbers import quantum


@dataclass(frozen=True, slots=True)
class Band:
    label: str
    min: Decimal | None = None  # None: open below (−∞)
    max: Decimal | None = None  # None: open above (+∞)
    min_inclusive: bool = True
    max_inclusive: bool = False
    color: str = "grey"  # traffic-light colour for dashboards: green/lime/yellow/orange/red

    def contains(self, value: Decimal) -> bool:
        if self.min is not None and (value < self.min or (value == self.min and not self.min_inclusive)):
            return False
        return not (
            self.max is not None and (value > self.max or (value == self.max and not self.max_inclusive))
        )

    def describe(self) -> str:
        lo = "" if self.min is None else f"{self.min} {'≤' if self.min_inclusive else '<'} "
        hi = "" if self.max is None else f" {'≤' if self.max_inclusive else '<'} {self.max}"
        return f"{self.label}: {lo}x{hi}"


def _format_bound(value: Decimal | None) -> str:
    return "∞" if value is None else str(value)


#: The colour of a predicate, whatever the scale it is on (the one rule, issue #14): "Sangat Baik" is green on the
#: 4-band LKjIP scale and on KemenPAN-RB's 5-band one, so a matrix or chart mixing offices on either scale shows
#: one colour for one word. Matched without regard to case and surrounding spaces; a predicate not listed keeps
#: its band's colour (the scale's own order, e.g. the LKE's AA…D or Permendagri 86's Sangat Rendah…Sangat Tinggi,
#: whose words no other scale uses).
PREDICATE_COLORS: dict[str, str] = {
    "kurang": "red",
    "cukup": "yellow",
    "baik": "lime",
    "sangat baik": "green",
    "memuaskan": "green",
}


def predicate_color(label: str, fallback: str = "grey") -> str:
    """The colour of the predicate ``label`` on every scale (`PREDICATE_COLORS`), else ``fallback``."""
    return PREDICATE_COLORS.get(" ".join(label.split()).lower(), fallback)


@dataclass(frozen=True)
class PredicateScale:
    """Bands ordered from the lowest to the highest achievement."""

    code: str
    name: str
    bands: tuple[Band, ...]
    precision: int = 2
    _lows: tuple[Decimal, ...] = field(init=False, repr=False, compare=False)
    _exclusive_low: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    _quantum: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bands = tuple(sorted(self.bands, key=lambda b: (b.min is not None, b.min or Decimal(0))))
        # one colour for one predicate on every scale (issue #14): a known predicate's colour wins over the band's
        bands = tuple(replace(b, color=predicate_color(b.label, b.color)) for b in bands)
        object.__setattr__(self, "bands", bands)
        validate_bands(bands)
        object.__setattr__(self, "_lows", tuple(b.min for b in bands[1:] if b.min is not None))
        object.__setattr__(self, "_exclusive_low", tuple(not b.min_inclusive for b in bands))
        object.__setattr__(self, "_quantum", quantum(self.precision))

    def band_for(self, value: Decimal) -> Band:
        """The band of ``value`` (rounded half up to the scale's precision)."""
        v = value.quantize(self._quantum, rounding=ROUND_HALF_UP)
        lows = self._lows
        i = bisect_right(lows, v)
        # bisect_right puts v == low of band i into band i; move down when
        # that band excludes its lower bound.
        if i and self._exclusive_low[i] and v == lows[i - 1]:
            i -= 1
        return self.bands[i]

    def classify(self, value: Decimal) -> str:
        return self.band_for(value).label

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.bands)


def validate_bands(bands: Sequence[Band]) -> None:
    """Refuse a scale with a gap, an overlap, an empty band or an unbounded middle."""
    if not bands:
        raise ScaleError(N_("skala memerlukan paling sedikit satu rentang"))
    labels = [b.label for b in bands]
    dupes = {x for x in labels if labels.count(x) > 1}
    if dupes:
        raise ScaleError(N_("label rentang ganda: %(labels)s"), labels=", ".join(sorted(dupes)))
    if bands[0].min is not None:
        raise ScaleError(
            N_(
                "rentang terendah '%(label)s' mulai dari %(value)s: nilai di bawahnya tidak masuk "
                "rentang mana pun"
            ),
            label=bands[0].label,
            value=bands[0].min,
        )
    if bands[-1].max is not None:
        raise ScaleError(
            N_(
                "rentang tertinggi '%(label)s' berakhir di %(value)s: nilai di atasnya tidak masuk "
                "rentang mana pun"
            ),
            label=bands[-1].label,
            value=bands[-1].max,
        )
    for band in bands:
        if band.min is not None and band.max is not None and (
            band.min > band.max
            or (band.min == band.max and not (band.min_inclusive and band.max_inclusive))
        ):
            raise ScaleError(
                N_("rentang '%(label)s' kosong (%(bounds)s)"), label=band.label, bounds=band.describe()
            )
    for lower, upper in pairwise(bands):
        if lower.max is None or upper.min is None:
            raise ScaleError(
                N_(
                    "rentang '%(lower)s' dan '%(upper)s' bertumpang tindih: hanya rentang terendah yang "
                    "boleh terbuka ke bawah dan hanya rentang tertinggi yang boleh terbuka ke atas"
                ),
                lower=lower.label,
                upper=upper.label,
            )
        if lower.max < upper.min or (
            lower.max == upper.min and not lower.max_inclusive and not upper.min_inclusive
        ):
            gap = (
                Message(N_("nilai %(value)s"), {"value": lower.max})
                if lower.max == upper.min
                else Message(N_("nilai antara %(low)s dan %(high)s"), {"low": lower.max, "high": upper.min})
            )
            raise ScaleError(
                N_(
                    "ada celah antara '%(lower)s' (sampai %(lower_max)s) dan '%(upper)s' "
                    "(mulai %(upper_min)s): %(gap)s tidak masuk rentang mana pun"
                ),
                lower=lower.label,
                lower_max=_format_bound(lower.max),
                upper=upper.label,
                upper_min=_format_bound(upper.min),
                gap=gap,
            )
        if lower.max > upper.min or (lower.max_inclusive and upper.min_inclusive):
            raise ScaleError(
                N_("rentang '%(lower)s' dan '%(upper)s' bertumpang tindih pada %(where)s"),
                lower=lower.label,
                upper=upper.label,
                where=upper.min if lower.max == upper.min else f"{upper.min}–{lower.max}",
            )


def scale_from_cut_points(
    code: str,
    name: str,
    lowest_label: str,
    steps: Iterable[tuple[str, str, bool]],
    colors: Sequence[str] | None = None,
) -> PredicateScale:
    """Build a scale from the lowest label and ``(label, lower_bound, inclusive)`` steps upward.

    ``steps`` lists the bands above the lowest, each with the bound where it
    starts and whether that bound belongs to it. By construction this cannot
    have gaps.
    """
    steps = list(steps)
    bands: list[Band] = []
    palette = list(colors or [])
    prev_label, prev_min, prev_incl = lowest_label, None, True
    for label, bound, inclusive in steps:
        b = Decimal(bound)
        bands.append(
            Band(prev_label, prev_min, b, prev_incl, not inclusive, palette.pop(0) if palette else "grey")
        )
        prev_label, prev_min, prev_incl = label, b, inclusive
    bands.append(Band(prev_label, prev_min, None, prev_incl, False, palette.pop(0) if palette else "grey"))
    return PredicateScale(code, name, tuple(bands))


_RED_TO_GREEN_5 = ("red", "orange", "yellow", "lime", "green")
_RED_TO_GREEN_4 = ("red", "yellow", "lime", "green")

KEMENPAN_5 = scale_from_cut_points(
    "kemenpan-5",
    "Skala pengukuran kinerja KemenPAN-RB (5 kategori)",
    "Kurang",
    [("Cukup", "55", True), ("Baik", "70", True), ("Sangat Baik", "85", True), ("Memuaskan", "100", True)],
    _RED_TO_GREEN_5,
)

LKJIP_4 = scale_from_cut_points(
    "lkjip-4",
    "Skala capaian LKjIP (4 kategori)",
    "Kurang",
    [("Cukup", "55", True), ("Baik", "75", True), ("Sangat Baik", "100", False)],
    _RED_TO_GREEN_4,
)

PERMENDAGRI_86 = scale_from_cut_points(
    "permendagri-86",
    "Skala evaluasi Renja/RKPD Permendagri 86/2017",
    "Sangat Rendah",
    [("Rendah", "51", True), ("Sedang", "66", True), ("Tinggi", "76", True), ("Sangat Tinggi", "91", True)],
    _RED_TO_GREEN_5,
)

# SAKIP evaluation (LKE) predicate, PermenPAN-RB 88/2021: each band excludes its lower bound.
LKE_AKIP = scale_from_cut_points(
    "lke-akip",
    "Predikat evaluasi SAKIP (PermenPAN-RB 88/2021)",
    "D",
    [("C", "30", False), ("CC", "50", False), ("B", "60", False), ("BB", "70", False),
     ("A", "80", False), ("AA", "90", False)],
    ("red", "red", "orange", "yellow", "lime", "green", "green"),
)

SCALE_PRESETS: dict[str, PredicateScale] = {
    s.code: s for s in (KEMENPAN_5, LKJIP_4, PERMENDAGRI_86, LKE_AKIP)
}


def get_scale(code: str) -> PredicateScale:
    try:
        return SCALE_PRESETS[code]
    except KeyError:
        raise ScaleError(
            N_("skala '%(code)s' tidak dikenal; pilihan yang tersedia: %(presets)s"),
            code=code,
            presets=", ".join(sorted(SCALE_PRESETS)),
        ) from None


@dataclass(frozen=True)
class OrdinalScale:
    """Grades of a qualitative indicator, lowest first; rank counts from 1."""

    code: str
    name: str
    grades: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.grades) < 2:
            raise ScaleError(N_("skala predikat '%(code)s' memerlukan paling sedikit dua predikat"), code=self.code)
        norm = [g.strip().upper() for g in self.grades]
        if len(set(norm)) != len(norm):
            raise ScaleError(N_("skala predikat '%(code)s' memuat predikat yang sama dua kali"), code=self.code)

    def rank(self, grade: str) -> int:
        g = grade.strip().upper()
        for i, candidate in enumerate(self.grades, start=1):
            if candidate.upper() == g:
                return i
        raise ScaleError(
            N_("'%(grade)s' bukan predikat %(scale)s (pilihan: %(grades)s)"),
            grade=grade,
            scale=self.name,
            grades=", ".join(self.grades),
        )


AKIP_GRADES = OrdinalScale("akip", "Predikat AKIP", ("D", "C", "CC", "B", "BB", "A", "AA"))
AUDIT_OPINION = OrdinalScale("audit-opinion", "Opini BPK", ("TMP", "TW", "WDP", "WTP"))

ORDINAL_PRESETS: dict[str, OrdinalScale] = {s.code: s for s in (AKIP_GRADES, AUDIT_OPINION)}


def get_ordinal_scale(code: str) -> OrdinalScale:
    try:
        return ORDINAL_PRESETS[code]
    except KeyError:
        raise ScaleError(
            N_("skala predikat '%(code)s' tidak dikenal; pilihan yang tersedia: %(presets)s"),
            code=code,
            presets=", ".join(sorted(ORDINAL_PRESETS)),
        ) from None
