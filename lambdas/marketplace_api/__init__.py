"""Registration API: a developer registers an app (a dataset) and a user purchases one.

The only way a website user writes to the catalogue or to their own purchases: the owner comes
from the token, never from the body (docs/marketplace-api.md).
"""
