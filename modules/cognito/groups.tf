# JupyterHub admits only this group's members (modules/jupyterhub reads the ID token's
# cognito:groups claim). An operator adds a data scientist with
# `aws cognito-idp admin-add-user-to-group --group-name <name> ...`. No role: the identity pool's
# website role is the same for every signed-in user.
resource "aws_cognito_user_group" "data_scientists" {
  name         = var.data_scientists_group_name
  user_pool_id = aws_cognito_user_pool.this.id
  description  = "Data scientists: may sign in to JupyterHub"
}
