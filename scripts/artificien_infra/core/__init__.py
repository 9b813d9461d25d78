"""The deploy core: the Terraform runner, deploy guards, packaging, checks, docs and remote state.

Nothing here imports click, rich's console commands or the local emulator: the commands in
``artificien_infra.commands`` and the local helpers in ``artificien_infra.local`` build on it.
"""
