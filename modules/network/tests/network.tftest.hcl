mock_provider "aws" {
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc/artificien-dev/flow-logs" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/artificien-dev-vpc-flow-logs" }
  }
  mock_resource "aws_vpc" {
    defaults = { owner_id = "123456789012" }
  }
}

variables {
  name        = "artificien-dev"
  region      = "us-east-1"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
}

run "two_zones_public_and_private" {
  command = plan

  assert {
    condition     = [for s in aws_subnet.public : s.availability_zone] == ["us-east-1a", "us-east-1b"] && [for s in aws_subnet.private : s.availability_zone] == ["us-east-1a", "us-east-1b"]
    error_message = "one public and one private subnet per zone, in zones a and b by default"
  }

  assert {
    condition     = [for s in aws_subnet.public : s.cidr_block] == ["10.20.0.0/20", "10.20.16.0/20"] && [for s in aws_subnet.private : s.cidr_block] == ["10.20.128.0/20", "10.20.144.0/20"]
    error_message = "subnet CIDRs must be the fixed /20 blocks"
  }

  assert {
    condition     = alltrue([for s in concat(aws_subnet.public, aws_subnet.private) : s.map_public_ip_on_launch == false])
    error_message = "no subnet may hand out public IPs automatically"
  }

  assert {
    condition     = aws_route.public_internet.destination_cidr_block == "0.0.0.0/0" && aws_route.public_internet.nat_gateway_id == null
    error_message = "the public route table must default-route to the internet gateway"
  }
}

run "nat_per_zone_by_default" {
  command = plan

  assert {
    condition     = length(aws_nat_gateway.this) == 2 && length(aws_eip.nat) == 2 && length(aws_route.private_nat) == 2
    error_message = "one NAT gateway per zone by default"
  }

  assert {
    condition     = alltrue([for r in aws_route.private_nat : r.destination_cidr_block == "0.0.0.0/0" && r.gateway_id == null])
    error_message = "private subnets must reach the internet only through NAT"
  }
}

run "single_nat_gateway_is_shared" {
  command = apply

  variables {
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 2
    error_message = "one NAT gateway for both private route tables"
  }

  assert {
    condition     = alltrue([for r in aws_route.private_nat : r.nat_gateway_id == aws_nat_gateway.this[0].id])
    error_message = "both private routes must use the single NAT gateway"
  }
}

run "nat_off_leaves_private_subnets_without_default_route" {
  command = plan

  variables {
    nat_gateway_enabled = false
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0 && length(aws_route.private_nat) == 0
    error_message = "no NAT gateway, address or route when NAT is off"
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.gateway)) == toset(["s3", "dynamodb"])
    error_message = "S3 and DynamoDB gateway endpoints must always exist"
  }
}

run "default_security_group_is_closed" {
  command = plan

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "the default security group must have no rules"
  }
}

run "flow_logs_encrypted_and_role_scoped" {
  command = apply

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_flow_log.this.log_destination_type == "cloud-watch-logs"
    error_message = "flow logs must record all traffic to CloudWatch Logs"
  }

  assert {
    condition     = aws_cloudwatch_log_group.flow_logs.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.flow_logs.retention_in_days == 365
    error_message = "the flow-log group must use the platform key and keep a year"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.flow_logs.policy).Statement :
      alltrue([for r in s.Resource : startswith(r, aws_cloudwatch_log_group.flow_logs.arn)])
    ])
    error_message = "the flow-log role may write only its own log group"
  }

  assert {
    condition     = jsondecode(aws_iam_role.flow_logs.assume_role_policy).Statement[0].Principal.Service == "vpc-flow-logs.amazonaws.com"
    error_message = "only the flow-logs service may assume the role"
  }
}

run "interface_endpoints_toggle" {
  command = plan

  variables {
    interface_endpoints_enabled = true
    interface_endpoint_services = ["ecr.api", "logs"]
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "logs"]) && alltrue([for e in aws_vpc_endpoint.interface : e.private_dns_enabled && e.service_name == "com.amazonaws.us-east-1.${e.tags.Name == "artificien-dev-logs" ? "logs" : "ecr.api"}"])
    error_message = "one private-DNS interface endpoint per requested service"
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.endpoints_https[0].from_port == 443 && aws_vpc_security_group_ingress_rule.endpoints_https[0].cidr_ipv4 == "10.20.0.0/16"
    error_message = "interface endpoints accept only HTTPS from inside the VPC"
  }
}

run "explicit_zones_and_cidr" {
  command = plan

  variables {
    cidr_block         = "10.30.0.0/16"
    availability_zones = ["us-east-1c", "us-east-1d"]
  }

  assert {
    condition     = [for s in aws_subnet.private : s.availability_zone] == ["us-east-1c", "us-east-1d"] && aws_subnet.public[0].cidr_block == "10.30.0.0/20"
    error_message = "explicit zones and CIDR must be used as given"
  }
}

run "rejects_three_zones" {
  command = plan

  variables {
    availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
  }

  expect_failures = [var.availability_zones]
}

run "rejects_bad_cidr" {
  command = plan

  variables {
    cidr_block = "10.0.0.0/8"
  }

  expect_failures = [var.cidr_block]
}
