# The inputs every run of this module's tests starts from (a run's own variables block wins).
name           = "artificien-dev"
account_id     = "123456789012"
region         = "us-east-1"
repository_url = "https://github.com/artificien/website"
repository_token = {
  ssm_parameter_name = "/artificien/dev/website-repository-token"
}
branches = {
  master = "dev"
}
cognito = {
  user_pool_id     = "us-east-1_AbCdEf123"
  web_client_id    = "1example23456789abcdefghij"
  identity_pool_id = "us-east-1:0123abcd-4567-89ab-cdef-0123456789ab"
}
tags = { project = "artificien", environment = "dev" }
