mock_provider "aws" {
  source = "./tests/mocks"
}

# The build spec the app gets: the site's own build, plus a step that writes the Amplify
# configuration the real site imports (src/aws-exports.js) from the app's environment variables.

run "default_build_writes_aws_exports_before_building" {
  command = apply

  assert {
    condition     = yamldecode(aws_amplify_app.this.build_spec).frontend.phases.preBuild.commands[0] == "npm ci" && yamldecode(aws_amplify_app.this.build_spec).frontend.phases.build.commands == ["npm run build"]
    error_message = "install, then build, with the default commands"
  }

  assert {
    condition     = startswith(yamldecode(aws_amplify_app.this.build_spec).frontend.phases.preBuild.commands[1], "node -e 'const fs = require(\"fs\");")
    error_message = "the second pre-build step runs the aws-exports script (without its header comment) in node"
  }

  assert {
    condition     = !strcontains(yamldecode(aws_amplify_app.this.build_spec).frontend.phases.preBuild.commands[1], "\n") && length(regexall("'", yamldecode(aws_amplify_app.this.build_spec).frontend.phases.preBuild.commands[1])) == 4
    error_message = "the step is one line with exactly two single-quoted arguments (the script and the spec)"
  }

  assert {
    condition = jsondecode(regex("src/aws-exports\\.js '(\\{.*\\})'$", yamldecode(aws_amplify_app.this.build_spec).frontend.phases.preBuild.commands[1])[0]) == {
      aws_project_region           = "REACT_APP_AWS_REGION"
      aws_cognito_region           = "REACT_APP_AWS_REGION"
      aws_cognito_identity_pool_id = "REACT_APP_IDENTITY_POOL_ID"
      aws_user_pools_id            = "REACT_APP_USER_POOL_ID"
      aws_user_pools_web_client_id = "REACT_APP_USER_POOL_WEB_CLIENT_ID"
    }
    error_message = "src/aws-exports.js gets the real site's keys, each from the variable that carries it"
  }

  assert {
    condition = alltrue([
      for key, variable in jsondecode(regex("'(\\{.*\\})'$", yamldecode(aws_amplify_app.this.build_spec).frontend.phases.preBuild.commands[1])[0]) :
      contains(keys(aws_amplify_app.this.environment_variables), variable)
    ])
    error_message = "every variable the step reads must be one the app sets (the build fails on a missing one)"
  }

  assert {
    condition     = yamldecode(aws_amplify_app.this.build_spec).frontend.artifacts == { baseDirectory = "build", files = ["**/*"] } && yamldecode(aws_amplify_app.this.build_spec).frontend.cache.paths == ["node_modules/**/*"]
    error_message = "publish build/ and cache node_modules"
  }

  assert {
    condition     = output.build_spec == aws_amplify_app.this.build_spec
    error_message = "the rendered spec is an output (to commit as the repository's amplify.yml, which Amplify prefers)"
  }
}

run "the_real_site_builds_with_yarn_into_dist_and_gets_its_oauth_domain" {
  command = apply

  variables {
    build = {
      install_command     = "yarn install --frozen-lockfile"
      build_command       = "yarn build"
      artifacts_directory = "dist"
    }
    cognito = {
      user_pool_id     = "us-east-1_AbCdEf123"
      web_client_id    = "1example23456789abcdefghij"
      identity_pool_id = "us-east-1:0123abcd-4567-89ab-cdef-0123456789ab"
      oauth_domain     = "artificien-dev-auth.auth.us-east-1.amazoncognito.com"
    }
  }

  assert {
    condition     = yamldecode(aws_amplify_app.this.build_spec).frontend.phases.preBuild.commands[0] == "yarn install --frozen-lockfile" && yamldecode(aws_amplify_app.this.build_spec).frontend.phases.build.commands == ["yarn build"] && yamldecode(aws_amplify_app.this.build_spec).frontend.artifacts.baseDirectory == "dist"
    error_message = "the site's own commands and output directory"
  }

  assert {
    condition     = jsondecode(regex("'(\\{.*\\})'$", yamldecode(aws_amplify_app.this.build_spec).frontend.phases.preBuild.commands[1])[0]).oauth == { domain = "REACT_APP_OAUTH_DOMAIN" } && aws_amplify_app.this.environment_variables["REACT_APP_OAUTH_DOMAIN"] == "artificien-dev-auth.auth.us-east-1.amazoncognito.com"
    error_message = "aws-exports' oauth.domain comes from the hosted-UI domain the app carries"
  }
}

run "an_own_build_spec_replaces_the_rendered_one" {
  command = apply

  variables {
    build_spec = "version: 1\nfrontend:\n  phases:\n    build:\n      commands:\n        - make site\n"
  }

  assert {
    condition     = aws_amplify_app.this.build_spec == "version: 1\nfrontend:\n  phases:\n    build:\n      commands:\n        - make site\n"
    error_message = "a given build_spec is used as it is"
  }
}

run "rejects_an_aws_exports_path_outside_the_repository" {
  command = plan

  variables {
    build = { aws_exports_path = "../src/aws-exports.js" }
  }

  expect_failures = [var.build]
}

run "rejects_a_multi_line_build_command" {
  command = plan

  variables {
    build = { build_command = "yarn build\nrm -rf /" }
  }

  expect_failures = [var.build]
}

run "rejects_an_oauth_domain_with_a_scheme" {
  command = plan

  variables {
    cognito = {
      user_pool_id     = "us-east-1_AbCdEf123"
      web_client_id    = "1example23456789abcdefghij"
      identity_pool_id = "us-east-1:0123abcd-4567-89ab-cdef-0123456789ab"
      oauth_domain     = "https://artificien-dev-auth.auth.us-east-1.amazoncognito.com"
    }
  }

  expect_failures = [var.cognito]
}
