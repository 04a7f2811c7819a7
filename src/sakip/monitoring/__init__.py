"""Quarterly targets and realisations, formula inputs, evidence and explanations."""
