"""Which version of the data the panel reads: a digest that changes with every import, for
results kept in memory above the panel (the web app's pages) — the store's
:meth:`~multivector.store.Store.version`, read once per version of the store file."""

from __future__ import annotations

import threading

from multivector.store import Store, default_store

_memo: dict[str, tuple[tuple, str]] = {}
_lock = threading.Lock()


def data_version(store: Store | None = None) -> str:
    """A short digest of what the store holds (every table's source, version, rows, import time).

    Cheap after the first call: the digest is recomputed only when the store file changes (a write
    replaces the file, so its inode, time and size change)."""
    store = store or default_store()
    try:
        st = store.path.stat()
        stamp: tuple = (st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0, 0)
    key = str(store.path)
    with _lock:
        hit = _memo.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    version = store.version()
    with _lock:
        _memo[key] = (stamp, version)
    return version
