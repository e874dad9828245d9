"""Entry script that PyInstaller freezes (packaging/rbdesk.spec).

The built executable is the CLI: ``rbdesk`` with no arguments opens the
desktop app, ``rbdesk parse FILE --json`` and friends work as after pip install.

In a frozen app ``sys.executable`` is this executable, not a Python, so code
that starts ``[sys.executable, "-m", module, ...]`` (the resident search
server) or ``[sys.executable, "-c", code]`` (doctor's Qt probe) lands here:
those two Python forms are handled like Python does; ``-m`` only for rbdesk's
own modules.
"""

from __future__ import annotations

import multiprocessing
import runpy
import sys


def run_python_style(argv: list[str]) -> bool:
    """Run ``-m rbdesk.MODULE ARGS`` or ``-c CODE ARGS`` as Python would; False otherwise."""
    if len(argv) < 3 or argv[1] not in ("-m", "-c"):
        return False
    flag, target, rest = argv[1], argv[2], argv[3:]
    if flag == "-m":
        if target != "rbdesk" and not target.startswith("rbdesk."):
            raise SystemExit(f"rbdesk: -m runs only rbdesk's own modules, not {target!r}")
        sys.argv = [argv[0], *rest]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = ["-c", *rest]
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
    return True


if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not re-run main()
    if getattr(sys, "frozen", False) and run_python_style(sys.argv):
        sys.exit(0)
    from rbdesk.cli.main import main

    sys.exit(main())
