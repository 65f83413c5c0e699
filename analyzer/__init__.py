"""portcheck's engine: repository access, inputs, check registry, scoring and the CLI."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("portcheck")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
