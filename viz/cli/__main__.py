"""``python -m viz.cli``: the ``gradtrace`` command."""

import sys

from viz.cli.main import main

sys.exit(main())
