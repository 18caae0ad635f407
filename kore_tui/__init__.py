"""kore-tui: a keyboard-driven terminal browser for Kore.ai contact-center contacts."""

__version__ = "0.1.0"

import logging as _logging

# A library stays quiet unless the program configures logging (the CLI writes a log file).
_logging.getLogger("kore_tui").addHandler(_logging.NullHandler())
