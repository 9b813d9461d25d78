"""EC2 ``DescribeSecurityGroupRules``: report the description of rules that reference a group.

moto 5.2.x keeps a rule's description only for CIDR sources: a rule created with
``UserIdGroupPairs=[{"GroupId": ..., "Description": ...}]`` (Terraform's
``aws_vpc_security_group_ingress_rule`` / ``_egress_rule`` with ``referenced_security_group_id``)
comes back without one, so every plan after an apply wants to set it again. Here the description
falls back to the one stored with the referenced group.
"""

from typing import Any


def register() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    if getattr(SecurityGroupRule, "_artificien_patched", False):
        return

    def description(self: Any) -> str | None:
        return self.ip_range.get("Description") or self.source_group.get("Description")

    SecurityGroupRule.description = property(description)  # type: ignore[method-assign,assignment]
    SecurityGroupRule._artificien_patched = True  # type: ignore[attr-defined]
