"""The AWS emulator for the failback orchestrator's tests, demo and benchmark: moto's server on loopback."""

__all__ = ["__version__"]
__version__ = "0.1.0"
