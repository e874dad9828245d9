import sys

from rbdesk.cli.main import main

sys.exit(main())
