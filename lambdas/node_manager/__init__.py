"""PyGrid node manager: one federated-learning node per app, started and stopped on demand.

Runtime code of the platform, deployed as a Lambda function (``modules/node_manager``); the
``artificien-infra nodes`` commands run the same code in-process or invoke the function. boto3 and
``shared`` only. The layers, from the inside out:

* ``naming``: slugs, tag values and every resource name, from the configured prefixes;
* ``config``: the configuration, from the platform's Terraform output or the function's environment;
* ``resources`` (ECS and load balancing), ``database`` (each node's database secret, and the role
  function that gives the node a database role of its own) and ``store`` (the dataset item's
  claim): the AWS calls;
* ``logic`` (with ``removal``, ``reconcile`` and ``waiting``): up, down, status, list and
  reconcile, with the rollback of a failed ``up``;
* ``request`` and ``handler``: the function's event, validated, and its JSON answer.
"""
