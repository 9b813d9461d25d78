output "user_table_name" {
  description = "Name of the user table."
  value       = aws_dynamodb_table.this["user_table"].name
}

output "user_table_arn" {
  description = "ARN of the user table."
  value       = aws_dynamodb_table.this["user_table"].arn
}

output "model_table_name" {
  description = "Name of the model table."
  value       = aws_dynamodb_table.this["model_table"].name
}

output "model_table_arn" {
  description = "ARN of the model table."
  value       = aws_dynamodb_table.this["model_table"].arn
}

output "dataset_table_name" {
  description = "Name of the dataset table."
  value       = aws_dynamodb_table.this["dataset_table"].name
}

output "dataset_table_arn" {
  description = "ARN of the dataset table."
  value       = aws_dynamodb_table.this["dataset_table"].arn
}

output "dataset_table_stream_arn" {
  description = "ARN of the dataset table's stream (new images), read by the sample-data generator."
  value       = aws_dynamodb_table.this["dataset_table"].stream_arn
}

output "table_arns" {
  description = "ARNs of the three tables."
  value       = [for t in aws_dynamodb_table.this : t.arn]
}

output "index_arns" {
  description = "Index name => ARN, for every index of the three tables."
  value = merge([
    for key, table in local.tables : {
      for index in keys(table.indexes) : index => "${aws_dynamodb_table.this[key].arn}/index/${index}"
    }
  ]...)
}
