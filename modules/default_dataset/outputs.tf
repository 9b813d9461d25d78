output "dataset_id" {
  description = "Id of the default dataset (what DEFAULT_DATASETS grants every new account)."
  value       = jsondecode(aws_dynamodb_table_item.this.item).dataset_id.S
}

output "sample_key" {
  description = "Key of the dataset's sample CSV in the sample-data bucket, once the generator has run."
  value       = "${var.dataset.dataset_id}.csv"
}
