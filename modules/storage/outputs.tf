output "sample_data_bucket_name" {
  description = "Name of the sample-data bucket (one <dataset_id>.csv per registered app)."
  value       = aws_s3_bucket.this["sample_data"].id
}

output "sample_data_bucket_arn" {
  description = "ARN of the sample-data bucket."
  value       = aws_s3_bucket.this["sample_data"].arn
}

output "tutorials_bucket_name" {
  description = "Name of the tutorials bucket."
  value       = aws_s3_bucket.this["tutorials"].id
}

output "tutorials_bucket_arn" {
  description = "ARN of the tutorials bucket."
  value       = aws_s3_bucket.this["tutorials"].arn
}

output "models_bucket_name" {
  description = "Name of the trained-models bucket (<owner_name>/<model_id>-<version>.pkl)."
  value       = aws_s3_bucket.this["models"].id
}

output "models_bucket_arn" {
  description = "ARN of the trained-models bucket."
  value       = aws_s3_bucket.this["models"].arn
}

output "logs_bucket_name" {
  description = "Name of the access-log bucket: ALB logs under alb/, S3 server access logs under s3/."
  # Taken from the bucket policy, so that a load balancer that logs here is created only once
  # the log-delivery grant exists (AWS checks it when the load balancer is created).
  value = aws_s3_bucket_policy.logs.bucket
}

output "logs_bucket_arn" {
  description = "ARN of the access-log bucket."
  value       = aws_s3_bucket.logs.arn
}
