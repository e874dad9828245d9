"""The resident search server's process: ``python -m rbdesk.core.usecases.searchd DATA_DIR``.

:mod:`rbdesk.core.search.server` speaks the protocol; this entry point sits
above the facade because the server answers from a whole :class:`Library`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rbdesk.core.facade import Library
from rbdesk.core.search import server


def main(argv: list[str]) -> int:
    idle = float(os.environ.get(server.ENV_IDLE, server.IDLE_SECONDS))
    return server.serve(Path(argv[0]), Library, idle)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
