"""Benchmarks print their figures; `make bench` runs them, the default test run does not."""
