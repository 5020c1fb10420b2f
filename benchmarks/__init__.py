"""Benchmarks of qonto_async (issue #8): ``python -m benchmarks`` runs them all; see ``benchmarks/run.py``."""
