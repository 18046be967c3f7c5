import sys

from stretchtimer.cli.main import main

sys.exit(main())
