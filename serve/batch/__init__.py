"""Batch scoring of crawls and collections: resumable, exactly once, on one machine or on Ray.

``hypecheck batch`` reads JSONL, JSON, CSV, Parquet, HTML folders and WARC files
(:mod:`~serve.batch.readers`), turns each record into an article or a rejection
(:mod:`~serve.batch.prepare`), scores chunks through the one scoring core (:mod:`~serve.batch.job`)
on the local or the Ray engine, and commits chunk after chunk (:mod:`~serve.batch.runner`).
"""

from hypecheck.serve.batch.job import BatchJob
from hypecheck.serve.batch.readers import Fields
from hypecheck.serve.batch.runner import BatchStats, run_batch

__all__ = ["BatchJob", "BatchStats", "Fields", "run_batch"]
