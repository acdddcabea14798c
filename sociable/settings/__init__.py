"""Settings: base.py holds everything shared; dev, test and prod adjust it.

Every value that differs between machines comes from the environment.
"""
