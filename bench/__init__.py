"""Benchmarks of the simulator (`make bench` runs `python -m bench`)."""
