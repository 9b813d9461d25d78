# Enhanced monitoring: RDS publishes the instances' OS metrics through this role.
resource "aws_iam_role" "monitoring" {
  name = "${var.name}-pygrid-db-monitoring"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "RdsEnhancedMonitoring"
      Effect    = "Allow"
      Principal = { Service = "monitoring.rds.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

# The AmazonRDSEnhancedMonitoringRole managed policy's permissions, scoped to this account and
# region (RDS writes the OS metrics to the RDSOSMetrics log group).
resource "aws_iam_role_policy" "monitoring" {
  name = "publish-enhanced-monitoring"
  role = aws_iam_role.monitoring.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "EnhancedMonitoringLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogGroup", "logs:PutRetentionPolicy"]
        Resource = ["${local.logs_arn}:log-group:RDS*"]
      },
      {
        Sid      = "EnhancedMonitoringLogStreams"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"]
        Resource = ["${local.logs_arn}:log-group:RDS*:log-stream:*"]
      },
    ]
  })
}
