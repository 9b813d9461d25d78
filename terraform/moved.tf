# Addresses that changed when the database left ecs_cluster for its own module, both public load
# balancers came to share modules/public_alb, and the orchestration WAF left modules/orchestration
# for modules/orchestration_waf. State written before that moves here without
# replacing anything (tests/integration/test_moved_state.py plans from such a state and asserts it).
# Keep these blocks while any state may predate the move; they cost nothing once applied.

# PyGrid's database: modules/ecs_cluster -> modules/pygrid_database.
moved {
  from = module.ecs_cluster.aws_db_subnet_group.this
  to   = module.pygrid_database.aws_db_subnet_group.this
}

moved {
  from = module.ecs_cluster.aws_security_group.database
  to   = module.pygrid_database.aws_security_group.this
}

moved {
  from = module.ecs_cluster.aws_rds_cluster_parameter_group.this
  to   = module.pygrid_database.aws_rds_cluster_parameter_group.this
}

moved {
  from = module.ecs_cluster.aws_cloudwatch_log_group.database
  to   = module.pygrid_database.aws_cloudwatch_log_group.this
}

moved {
  from = module.ecs_cluster.aws_rds_cluster.this
  to   = module.pygrid_database.aws_rds_cluster.this
}

moved {
  from = module.ecs_cluster.aws_rds_cluster_instance.this
  to   = module.pygrid_database.aws_rds_cluster_instance.this
}

moved {
  from = module.ecs_cluster.aws_iam_role.monitoring
  to   = module.pygrid_database.aws_iam_role.monitoring
}

moved {
  from = module.ecs_cluster.aws_iam_role_policy.monitoring
  to   = module.pygrid_database.aws_iam_role_policy.monitoring
}

# The orchestration node's load balancer -> modules/orchestration/module.public_alb.
moved {
  from = module.orchestration.aws_security_group.load_balancer
  to   = module.orchestration.module.public_alb.aws_security_group.this
}

moved {
  from = module.orchestration.aws_vpc_security_group_ingress_rule.load_balancer_https
  to   = module.orchestration.module.public_alb.aws_vpc_security_group_ingress_rule.https
}

moved {
  from = module.orchestration.aws_vpc_security_group_ingress_rule.load_balancer_http
  to   = module.orchestration.module.public_alb.aws_vpc_security_group_ingress_rule.http
}

moved {
  from = module.orchestration.aws_vpc_security_group_egress_rule.load_balancer_to_tasks
  to   = module.orchestration.module.public_alb.aws_vpc_security_group_egress_rule.to_targets
}

moved {
  from = module.orchestration.aws_lb.this
  to   = module.orchestration.module.public_alb.aws_lb.this
}

moved {
  from = module.orchestration.aws_lb_listener.https
  to   = module.orchestration.module.public_alb.aws_lb_listener.https
}

moved {
  from = module.orchestration.aws_lb_listener.http_redirect
  to   = module.orchestration.module.public_alb.aws_lb_listener.http_redirect
}

moved {
  from = module.orchestration.aws_lb_listener.http_forward
  to   = module.orchestration.module.public_alb.aws_lb_listener.http
}

# The PyGrid nodes' shared load balancer -> modules/pygrid_node/module.public_alb.
moved {
  from = module.pygrid_node.aws_security_group.load_balancer
  to   = module.pygrid_node.module.public_alb.aws_security_group.this
}

# Its one ingress rule was on the listener's port: 80 on the local emulator (the plain listener,
# which is public_alb's `http` rule), 443 with a certificate. A moved block cannot depend on the
# environment, so it follows the local env, the only one whose state can predate the move (the
# real envs' tfvars still hold placeholder certificates that the root refuses to plan).
moved {
  from = module.pygrid_node.aws_vpc_security_group_ingress_rule.load_balancer_listener
  to   = module.pygrid_node.module.public_alb.aws_vpc_security_group_ingress_rule.http
}

moved {
  from = module.pygrid_node.aws_vpc_security_group_egress_rule.load_balancer_to_nodes
  to   = module.pygrid_node.module.public_alb.aws_vpc_security_group_egress_rule.to_targets
}

moved {
  from = module.pygrid_node.aws_lb.this
  to   = module.pygrid_node.module.public_alb.aws_lb.this
}

moved {
  from = module.pygrid_node.aws_lb_listener.https
  to   = module.pygrid_node.module.public_alb.aws_lb_listener.https
}

moved {
  from = module.pygrid_node.aws_lb_listener.http
  to   = module.pygrid_node.module.public_alb.aws_lb_listener.http
}

# The orchestration WAF: modules/orchestration (waf.tf) -> modules/orchestration_waf.
moved {
  from = module.orchestration.aws_wafv2_regex_pattern_set.upload_paths
  to   = module.orchestration_waf.aws_wafv2_regex_pattern_set.upload_paths
}

moved {
  from = module.orchestration.aws_wafv2_web_acl.this
  to   = module.orchestration_waf.aws_wafv2_web_acl.this
}

moved {
  from = module.orchestration.aws_wafv2_web_acl_association.this
  to   = module.orchestration_waf.aws_wafv2_web_acl_association.this
}

moved {
  from = module.orchestration.aws_cloudwatch_log_group.waf
  to   = module.orchestration_waf.aws_cloudwatch_log_group.this
}

moved {
  from = module.orchestration.aws_cloudwatch_log_resource_policy.waf
  to   = module.orchestration_waf.aws_cloudwatch_log_resource_policy.this
}

moved {
  from = module.orchestration.aws_wafv2_web_acl_logging_configuration.this
  to   = module.orchestration_waf.aws_wafv2_web_acl_logging_configuration.this
}
