"""Sample-data generator: turns a registered app's declared attributes into a sample CSV.

``generator`` and ``dataset`` are pure (no AWS) and are also used by the ``artificien-infra
sample-data`` preview command; ``handler`` is the Lambda adapter on the dataset table's stream.
"""
