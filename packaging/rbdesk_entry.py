"""Entry script that PyInstaller freezes (packaging/rbdesk.spec).

The built executable is the CLI: ``rbdesk`` with no arguments opens the
desktop app, ``rbdesk parse FILE --json`` and friends work as after pip install.
"""

import multiprocessing
import sys

from rbdesk.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not re-run main()
    sys.exit(main())
