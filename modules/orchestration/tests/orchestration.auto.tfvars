# The inputs every run of this module's tests starts from (a run's own variables block wins).
name        = "artificien-dev"
account_id  = "123456789012"
region      = "us-east-1"
kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
network = {
  vpc_id             = "vpc-0123456789abcdef0"
  vpc_cidr_block     = "10.20.0.0/16"
  public_subnet_ids  = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
  private_subnet_ids = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
}
cluster = {
  name = "artificien-dev"
  arn  = "arn:aws:ecs:us-east-1:123456789012:cluster/artificien-dev"
}
pygrid = {
  task_definition_family = "artificien-dev-pygrid-node"
  listener_arn           = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/artificien-dev-nodes/1111111111111111/2222222222222222"
  security_group_id      = "sg-0123456789abcdef1"
  container_name         = "pygrid"
  container_port         = 5000
}
node_manager = {
  name = "artificien-dev-node_manager"
  arn  = "arn:aws:lambda:us-east-1:123456789012:function:artificien-dev-node_manager"
}
tables = {
  user_table_name    = "dev-user_table"
  user_table_arn     = "arn:aws:dynamodb:us-east-1:123456789012:table/dev-user_table"
  model_table_name   = "dev-model_table"
  model_table_arn    = "arn:aws:dynamodb:us-east-1:123456789012:table/dev-model_table"
  dataset_table_name = "dev-dataset_table"
  dataset_table_arn  = "arn:aws:dynamodb:us-east-1:123456789012:table/dev-dataset_table"
  index_arns = [
    "arn:aws:dynamodb:us-east-1:123456789012:table/dev-user_table/index/users_username_index",
    "arn:aws:dynamodb:us-east-1:123456789012:table/dev-model_table/index/owner-active-index",
  ]
}
models_bucket   = { name = "artificien-dev-models", arn = "arn:aws:s3:::artificien-dev-models" }
cognito         = { user_pool_id = "us-east-1_AbCdEf123", web_client_id = "1example23456789" }
logs_bucket     = { name = "artificien-dev-logs", arn = "arn:aws:s3:::artificien-dev-logs" }
container_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/artificien/orchestration:1.4.2"
certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
secrets = {
  NODE_SIGNING_KEY = "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-dev/orchestration-AbCdEf:signing_key::"
}
