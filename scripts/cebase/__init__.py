"""Registry of Urumqi's municipal continuing-education bases."""

__version__ = "0.1.0"
