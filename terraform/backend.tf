# Every environment keeps its state in S3 with native lock files. The bucket, key and region come
# from the backend config the wrapper passes at init: terraform/envs/<env>.backend.hcl for real
# envs (written by `artificien-infra bootstrap`), and a generated one pointing at the emulator's
# own S3 for `local`, so local state lives and dies with the emulated resources.
terraform {
  backend "s3" {}
}
