"""PyGrid's database role: created and kept current by the platform, so nodes never hold the
master credentials.

Invoked at apply (Terraform's ``aws_lambda_invocation``) inside the VPC: it reads the AWS-managed
master secret fresh on every run (so it keeps working across any rotation of it), creates or
updates PyGrid's shared non-master role (CREATEDB; no superuser, cannot create roles), and writes
that role's secret, whose ``url`` key is a ``DATABASE_URL`` in the PyGrid fork's form.

Invoked by the node manager for each node (``node_up``, ``node_down``: :mod:`pygrid_db_role.nodes`),
it gives the node a LOGIN role of its own, with the password of the node's secret, and the node's
database, owned by that role and closed to every other; on down it takes that login away.
"""
