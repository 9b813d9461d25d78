# The AWS provider as every test file of this module sees it.
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/artificien-dev-pygrid-db-monitoring" }
}
mock_resource "aws_secretsmanager_secret" {
  defaults = { arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-dev/pygrid-database/pygrid-XyZ123" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/artificien-dev-pygrid_db_role" }
}
mock_resource "aws_rds_cluster" {
  defaults = {
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-0000-AbCdEf"
      secret_status = "active"
      kms_key_id    = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }]
  }
}

override_resource {
  target = aws_security_group.this
  values = { id = "sg-0d0000000000000d1" }
}

override_resource {
  target = aws_security_group.role_function
  values = { id = "sg-0f0000000000000f2" }
}
