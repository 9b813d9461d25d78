# Amplify Hosting's service role. A front-end-only app needs no AWS access of its own during builds
# (the website reaches AWS through the Cognito identity pool's role at run time); the role only lets
# Amplify write this app's logs. No AdministratorAccess-Amplify.
resource "aws_iam_role" "this" {
  name        = "${var.name}-amplify"
  description = "Amplify Hosting service role of the marketplace website: writes the app's logs only"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AmplifyAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "amplify.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:aws:amplify:${var.region}:${var.account_id}:apps/*" }
      }
    }]
  })

  tags = var.tags
}

# Separate from the role so it can name the app: the app needs the role's ARN first.
resource "aws_iam_role_policy" "this" {
  name = "amplify-app-logs"
  role = aws_iam_role.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "CreateAppLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogGroup"]
        Resource = ["arn:aws:logs:${var.region}:${var.account_id}:log-group:/aws/amplify/${aws_amplify_app.this.id}*"]
      },
      {
        Sid      = "WriteAppLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["arn:aws:logs:${var.region}:${var.account_id}:log-group:/aws/amplify/${aws_amplify_app.this.id}*:log-stream:*"]
      },
    ]
  })
}
