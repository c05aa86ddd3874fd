"""The script PyInstaller freezes: it only hands over to ``alliance_desktop.__main__``.

Why not freeze ``alliance_desktop/__main__.py`` directly: a frozen script runs
as ``__main__`` outside its package, so the module would exist twice (once as
the script, once as ``alliance_desktop.__main__`` when something imports it).
A two-line launcher keeps the package exactly as it is in the source tree.
"""

import sys

from alliance_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
