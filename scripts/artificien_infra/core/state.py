"""Remote state: the S3 bucket that holds an environment's Terraform state, and its backend file."""

from __future__ import annotations

import json

import boto3
from botocore.exceptions import ClientError

STATE_KEY = "artificien.tfstate"


def state_bucket_name(account_id: str, region: str) -> str:
    return f"artificien-tfstate-{account_id}-{region}"


def tls_only_policy(bucket: str) -> str:
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, f"{arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


def ensure_state_bucket(s3, bucket: str, region: str, *, tls_only: bool = True) -> bool:
    """Create (or bring up to standard) the state bucket: versioned, encrypted, private, TLS only.
    Returns True when the bucket was created. Every step is idempotent."""
    created = False
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code")
        if code not in ("404", "NoSuchBucket", "NotFound"):
            raise
        kwargs = {"Bucket": bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
        created = True
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    if tls_only:
        # The emulator speaks plain HTTP on loopback, so the local bucket cannot require TLS.
        s3.put_bucket_policy(Bucket=bucket, Policy=tls_only_policy(bucket))
    return created


def backend_hcl(
    bucket: str,
    region: str,
    *,
    profile: str | None = None,
    endpoint_url: str | None = None,
) -> str:
    lines = [
        f"bucket       = {json.dumps(bucket)}",
        f"key          = {json.dumps(STATE_KEY)}",
        f"region       = {json.dumps(region)}",
        "encrypt      = true",
        "use_lockfile = true",
    ]
    if profile:
        lines.append(f"profile      = {json.dumps(profile)}")
    if endpoint_url:
        lines += [
            "# the local emulator: path-style S3 and nothing real to validate",
            f"endpoints                   = {{ s3 = {json.dumps(endpoint_url)} }}",
            "use_path_style              = true",
            "skip_credentials_validation = true",
            "skip_requesting_account_id  = true",
            "skip_metadata_api_check     = true",
            "skip_region_validation      = true",
        ]
    return "\n".join(lines) + "\n"


def session(profile: str | None = None, region: str | None = None) -> boto3.session.Session:
    return boto3.session.Session(profile_name=profile, region_name=region)
