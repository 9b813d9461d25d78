"""RDS: answer like AWS for Aurora Serverless v2 clusters and their instances.

Two gaps in moto 5.2.x make every plan after an apply show changes:

* DescribeDBClusters returns an empty ``ScalingConfigurationInfo`` for every cluster; AWS returns it
  only for ``engine_mode = serverless`` (v1). The provider then sees a v1 scaling block that the
  configuration never set. Here the info is omitted when the cluster has no v1 configuration.
* CreateDBInstance drops the Performance Insights settings, and DescribeDBInstances never reports
  ``PerformanceInsightsEnabled`` (the request calls it ``EnablePerformanceInsights``). Here the
  three settings are kept on create and the response field reads the stored request flag.
"""

from typing import Any

PERFORMANCE_INSIGHTS_FIELDS = (
    "enable_performance_insights",
    "performance_insights_kms_key_id",
    "performance_insights_retention_period",
)


def register() -> None:
    from moto.rds.models import DBCluster, DBInstance

    if getattr(DBInstance, "_artificien_patched", False):
        return

    original_info = DBCluster.scaling_configuration_info.fget

    def scaling_configuration_info(self: DBCluster) -> dict[str, Any] | None:
        if not self.scaling_configuration:
            return None
        return original_info(self)

    DBCluster.scaling_configuration_info = property(scaling_configuration_info)  # type: ignore[method-assign,assignment]

    original_init = DBInstance.__init__

    def __init__(self: DBInstance, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        for field in PERFORMANCE_INSIGHTS_FIELDS:
            if kwargs.get(field) is not None:
                setattr(self, field, kwargs[field])

    def performance_insights_enabled(self: DBInstance) -> bool:
        return bool(getattr(self, "enable_performance_insights", False))

    DBInstance.__init__ = __init__  # type: ignore[method-assign]
    DBInstance.performance_insights_enabled = property(performance_insights_enabled)  # type: ignore[attr-defined]
    DBInstance._artificien_patched = True  # type: ignore[attr-defined]
