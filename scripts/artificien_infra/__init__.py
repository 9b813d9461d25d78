"""Wrapper around Terraform that deploys the Artificien platform."""

__version__ = "0.1.0"
