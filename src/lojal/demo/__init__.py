"""Demo data: realistic Nordic customers for the demo, tests and benchmarks (not a Django app)."""
