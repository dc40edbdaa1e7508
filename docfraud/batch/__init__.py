"""Batch examination of many documents (``docfraud batch``): an interface layer.

:mod:`~docfraud.batch.inputs` enumerates folders, zip archives, PDFs and capture sets lazily;
:mod:`~docfraud.batch.worker` examines one unit in a worker process;
:mod:`~docfraud.batch.run` drives a local process pool or a Dask cluster, with one writer into
the SQLite results store of :mod:`~docfraud.batch.store`; :mod:`~docfraud.batch.linkage`,
:mod:`~docfraud.batch.export`, :mod:`~docfraud.batch.summary` and
:mod:`~docfraud.batch.watchlist` read it. See docs/batch.md.
"""
