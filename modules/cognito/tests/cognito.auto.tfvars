# The inputs every run of this module's tests starts from (a run's own variables block wins).
name        = "artificien-test"
account_id  = "111122223333"
region      = "us-east-1"
kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

user_table_name = "test-user_table"
user_table_arn  = "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table"
table_arns = [
  "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table",
  "arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table",
  "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table",
]
index_arns = [
  "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table/index/users_username_index",
  "arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table/index/owner-active-index",
  "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/index/owner_username-index",
  "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/index/category-app-index",
  "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/index/placeholder-app",
]
post_confirmation_package = {
  filename         = "build/lambda/post_confirmation.zip"
  source_code_hash = "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc="
}
domain_prefix            = "artificien-test-auth"
jupyterhub_callback_urls = ["https://hub.artificien.example/hub/oauth_callback"]
jupyterhub_logout_urls   = ["https://hub.artificien.example/hub/logout"]
tags                     = { project = "artificien", environment = "test" }
