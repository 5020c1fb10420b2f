"""``python -m qonto_async``: the ``qonto-async`` command (see :mod:`qonto_async.cli`)."""

import sys

from qonto_async.cli import main

if __name__ == "__main__":
    sys.exit(main())
