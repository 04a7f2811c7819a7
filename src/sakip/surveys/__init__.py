"""Satisfaction surveys (SKM) and their index (IKM)."""
