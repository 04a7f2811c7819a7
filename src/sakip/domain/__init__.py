"""The pure domain core of Sakip.

Every SAKIP rule lives here exactly once: achievement and predicate scales
(`measurement`, `scales`), period rollups (`periods`), indicator formulas
(`formulas`), aggregation and comparisons (`aggregation`), the satisfaction
survey (`survey`), the budget (`budget`), Indonesian numbers (`numbers`), the
office model (`office`) and the scorecard that ties them together
(`scorecard`).

Nothing in this package imports a web framework or touches files, sockets or
the clock. Money and achievements are `decimal.Decimal`; rounding happens only
at display, through `numbers.round_half_up`.
"""
