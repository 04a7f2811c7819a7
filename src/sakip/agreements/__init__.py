"""The performance agreement (Perjanjian Kinerja) per year, with amendments."""
