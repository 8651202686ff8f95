"""Demo data: realistic Nordic customers for the demo, tests and benchmarks, and the `lojal demo` command."""
