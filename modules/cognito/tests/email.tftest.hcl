mock_provider "aws" {
  source = "./tests/mocks"
}

# Where the pool's mails come from: Cognito's own sender by default, the env's SES identity when
# one is given (prod: the root requires it).

run "default_sender_outside_prod" {
  command = apply

  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].email_sending_account == "COGNITO_DEFAULT"
    error_message = "without an email_sender the pool must use Cognito's own sender"
  }
  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].source_arn == null && aws_cognito_user_pool.this.email_configuration[0].from_email_address == null
    error_message = "the default sender takes no SES identity and no From address"
  }
}

run "ses_sending_from_a_domain_identity" {
  command = apply

  variables {
    email_sender = {
      from_address = "no-reply@artificien.example"
      ses_identity = "artificien.example"
      reply_to     = "support@artificien.example"
    }
  }

  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].email_sending_account == "DEVELOPER"
    error_message = "an email_sender must switch the pool to SES (DEVELOPER) sending"
  }
  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].source_arn == "arn:aws:ses:us-east-1:111122223333:identity/artificien.example"
    error_message = "the SES identity ARN must name the verified domain in the pool's account and region"
  }
  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].from_email_address == "Artificien <no-reply@artificien.example>"
    error_message = "the From header must carry the display name and the verified address"
  }
  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].reply_to_email_address == "support@artificien.example"
    error_message = "reply_to must reach the pool"
  }
}

run "ses_identity_defaults_to_the_address" {
  command = plan

  variables {
    email_sender = {
      from_address = "no-reply@mail.artificien.example"
      from_name    = ""
    }
  }

  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].source_arn == "arn:aws:ses:us-east-1:111122223333:identity/no-reply@mail.artificien.example"
    error_message = "without ses_identity the address itself is the identity"
  }
  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].from_email_address == "no-reply@mail.artificien.example"
    error_message = "without a display name the From address is the bare address"
  }
}

run "parent_domain_identity_covers_a_subdomain_address" {
  command = plan

  variables {
    email_sender = {
      from_address = "no-reply@mail.artificien.example"
      ses_identity = "artificien.example"
    }
  }

  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].source_arn == "arn:aws:ses:us-east-1:111122223333:identity/artificien.example"
    error_message = "a parent domain's identity must be accepted for a subdomain's address"
  }
}

run "rejects_an_identity_that_does_not_cover_the_address" {
  command = plan

  variables {
    email_sender = {
      from_address = "no-reply@artificien.example"
      ses_identity = "other.example"
    }
  }

  expect_failures = [var.email_sender]
}

run "rejects_a_malformed_from_address" {
  command = plan

  variables {
    email_sender = {
      from_address = "Artificien <no-reply@artificien.example>"
    }
  }

  expect_failures = [var.email_sender]
}

run "rejects_a_display_name_that_breaks_the_header" {
  command = plan

  variables {
    email_sender = {
      from_address = "no-reply@artificien.example"
      from_name    = "Evil <x@y.example>"
    }
  }

  expect_failures = [var.email_sender]
}
