"""Sakip: government performance accountability (SAKIP) for Indonesian regional offices."""

__version__ = "0.1.0"
