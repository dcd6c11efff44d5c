"""builder: turns Chinese cybersecurity news articles into a validated, versioned events dataset."""

__version__ = "0.1.0"

__all__ = ["__version__"]
