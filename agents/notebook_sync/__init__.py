"""Copies the sample-data and tutorials buckets into notebook folders as objects change.

S3 notifies an SQS queue of every created, overwritten or deleted object; this agent long-polls
the queue, re-reads each named object and makes the local file match it (whole files only: a
download goes to a staging file that is renamed into place). A full reconcile runs at start and
hourly as a safety net. Needs only the standard library and boto3, so it runs on the JupyterHub
host's system Python as well as in the project's virtualenv (the local platform).
"""
