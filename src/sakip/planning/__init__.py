"""The plan period (Renstra): vision, missions, goals, objectives, indicators, targets, programs."""
