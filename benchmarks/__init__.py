"""Benchmarks and the local-server starter they share with the tests; run from the checkout."""
