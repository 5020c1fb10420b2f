"""FakeQonto's endpoints, one module per API group (``sepa_transfers``, ``international``...).

Each module exports ``ROUTES``: a tuple of ``_Route`` whose handlers are plain ``async def handler(fake, ctx)``
functions. A module keeps its state on the fake, in ``fake.stores[<module name>]``, so two fakes never share it.
Modules are found by name: adding a file here is enough.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qonto_async.testing._server import _Route


@functools.cache
def all_routes() -> tuple[_Route, ...]:
    routes: list[_Route] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        routes.extend(module.ROUTES)
    return tuple(routes)
