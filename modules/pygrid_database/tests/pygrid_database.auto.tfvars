# The inputs every run of this module's tests starts from (a run's own variables block wins).
name               = "artificien-dev"
account_id         = "123456789012"
region             = "us-east-1"
kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
vpc_id             = "vpc-0123456789abcdef0"
private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
role = {
  package = { filename = "../build/lambdas/pygrid_db_role.zip", source_code_hash = "c2hhMjU2LW9mLXRoZS16aXA=" }
  layers  = ["arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27"]
}
