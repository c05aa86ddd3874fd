"""Benchmarks: measure, print a table of ratios against baselines from the same run, never fail a build."""
