"""The local environment: the emulator (moto in server mode) and its patches, the background
helpers (trigger runner, notebook sync) and loading a Lambda package for local use.

moto is needed here only: it is the ``local`` extra of the package, which ``make setup`` installs.
"""
