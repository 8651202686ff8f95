"""Benchmarks: ``python -m bench customers --database sqlite|postgres --customers N``.

They print tables of figures and write them under ``bench/results/``; nothing here asserts on time.
"""
