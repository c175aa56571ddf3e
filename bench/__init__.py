"""Benchmarks, each runnable alone and printing a table; not shipped with the package."""
