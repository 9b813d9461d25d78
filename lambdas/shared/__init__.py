"""Plumbing every function shares: config parsing, AWS clients, logging, the cached build.

Not a function itself (no handler); packaging copies it into every function's zip.
"""
