"""The word list string columns draw from lives in :mod:`shared.words` (the registration API
bounds sample sizes with it too); this module keeps the generator's import path working."""

from shared.words import WORDS

__all__ = ["WORDS"]
