"""Reports: what Sakip shows and hands in, built from the domain results.

``scorecard`` turns a `sakip.domain.scorecard.Scorecard` into JSON-ready data
and Indonesian display strings; the document renderers (LKjIP, PK, ...) will
live beside it.
"""
