"""Runs for other programs and at scale: batch over JSON Lines, and the private files a
person's data is written to."""

__all__ = ["batch", "private_files"]
