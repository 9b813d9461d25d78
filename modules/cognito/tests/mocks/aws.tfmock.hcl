# The AWS provider as every test file of this module sees it.
mock_resource "aws_cognito_user_pool" {
  defaults = {
    id       = "us-east-1_TestPool1"
    arn      = "arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_TestPool1"
    endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"
  }
}
mock_resource "aws_cognito_identity_pool" {
  defaults = {
    id = "us-east-1:11111111-2222-3333-4444-555555555555"
  }
}
mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::111122223333:role/artificien-test-website-authenticated"
  }
}
# The provider validates the function's DLQ ARN even on the mock.
mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:us-east-1:111122223333:artificien-test-post_confirmation-dlq"
  }
}
mock_resource "aws_lambda_function" {
  defaults = {
    arn = "arn:aws:lambda:us-east-1:111122223333:function:artificien-test-post_confirmation"
  }
}
