output "queue_url" {
  description = "URL of the queue the notebook sync agent long-polls."
  value       = aws_sqs_queue.this.id
}

output "queue_arn" {
  description = "ARN of the queue: readers get sqs:ReceiveMessage and sqs:DeleteMessage on it."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Name of the queue."
  value       = aws_sqs_queue.this.name
}

output "notified_buckets" {
  description = "Names of the buckets that notify the queue (only after their notification is configured)."
  value       = sort([for notification in aws_s3_bucket_notification.this : notification.bucket])
}
