"""Budget allocation and realisation per program, activity and sub-activity."""
