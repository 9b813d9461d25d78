"""Cognito post-confirmation trigger: creates a confirmed user's row in the user table."""
