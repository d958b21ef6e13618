"""The Dask backend: the ensemble's chunks as tasks on a ``distributed`` cluster.

Each chunk is the same pure function of (scenario, initial state, runs, years, seed sequence) that
the local backend calls, so results are identical to the local backend for the same seed. Results
come back in chunk order whatever order the workers finish in.
"""

from __future__ import annotations

import uuid
from typing import Any

from multivector.errors import MultivectorError


def _client(client: Any, address: str | None) -> tuple[Any, Any]:
    """Return (client, cluster-to-close-or-None)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is an optional extra
        raise MultivectorError(
            "the dask backend needs the optional extra: pip install 'multivector[dask]'"
        ) from None
    if client is not None:
        return client, None
    if address:
        try:
            return Client(address, timeout="10s"), None
        except OSError as exc:
            raise MultivectorError(
                f"cannot reach the Dask scheduler at {address} ({exc}); check the address "
                "(tcp://host:8786) or leave it out to start a local cluster"
            ) from None
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster), cluster


def run_tasks_on_dask(run_chunk, tasks: list, client: Any = None, address: str | None = None, progress=None) -> list:
    """Run ``run_chunk(task)`` for every task on Dask and return the results in task order."""
    from distributed import as_completed

    cl, cluster = _client(client, address)
    own_client = client is None
    try:
        tag = uuid.uuid4().hex[:8]
        futures = [cl.submit(run_chunk, t, key=f"multivector-sim-{tag}-{i}", pure=False) for i, t in enumerate(tasks)]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list = [None] * len(futures)
        done = 0
        for fut in as_completed(futures):
            results[index[fut.key]] = fut.result()
            fut.release()
            done += 1
            if progress:
                progress(done, len(futures))
        return results
    finally:
        if own_client:
            cl.close()
            if cluster is not None:
                cluster.close()
