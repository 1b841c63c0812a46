"""Benchmarks: each prints figures (see the README); none is a test."""

import os

# The PostgreSQL server the benchmarks create (and drop) their databases on.
POSTGRES_SERVER = os.environ.get(
    "GUDCITY_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"
)
