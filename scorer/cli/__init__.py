"""The ``zhibiao`` command line."""
