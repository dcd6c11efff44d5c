"""Benchmarks of the build at corpus scale (``python bench/run.py --articles N``)."""
