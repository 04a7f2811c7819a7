"""Regency, offices, units, users and their roles."""
