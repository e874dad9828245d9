"""PyInstaller runtime hook: child processes get the user's library path, not the bundle's.

The Linux bootloader points LD_LIBRARY_PATH at the bundle (_internal/) so the app
finds its own libraries; programs the app starts (git for sync, xdg-open and the
browser for external links) would inherit it and load the bundle's libssl, libz,
libpcre2 ... instead of their own. The loader read LD_LIBRARY_PATH when this
process started, so putting the original value back affects children only.
"""

import os
import sys


def _restore(name: str) -> None:
    original = os.environ.pop(f"{name}_ORIG", None)
    if original is not None:
        os.environ[name] = original
    else:
        os.environ.pop(name, None)


if getattr(sys, "frozen", False) and sys.platform.startswith("linux"):
    _restore("LD_LIBRARY_PATH")
