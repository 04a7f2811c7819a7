"""Shared pieces of the web app: exact-decimal fields, the domain bridge, interchange, permissions."""
