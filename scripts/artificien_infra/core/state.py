"""Remote state: the S3 bucket that holds an environment's Terraform state, its own KMS key, who
may reach them, and the backend file.

The rule: a real environment's state bucket admits only the principals named at bootstrap and the
account root (for recovery), over TLS only, and its objects are encrypted with a KMS key of its
own (rotation on) whose policy names the same principals. Bootstrap reads everything it needs
first and refuses, before writing anything, a principal it cannot name in a policy or a list
that would lock out the caller running it; a re-run replaces both policies with the new list.

GitHub Actions' roles (``<project>-<env>-github-plan`` / ``-apply``, the github_oidc module) are
let in too, but each only to its own env's state object, lock file and saved-plan prefix, whatever
their IAM policies allow: envs that share the bucket cannot reach each other's state through CI.
Their own rights come from their IAM policies, so the bucket grants them nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import boto3
from botocore.exceptions import ClientError

from artificien_infra.errors import UserError

STATE_KEY = "artificien.tfstate"
KEY_ALIAS_PREFIX = "alias/artificien/tfstate/"
# The S3 backend keeps a non-default workspace's state under env:/<workspace>/<key>.
WORKSPACE_KEY_PREFIX = "env:"
PROJECT = "artificien"
GITHUB_ROLE_KINDS = ("plan", "apply")
# Where a plan job leaves its saved plan for the env's apply job (expired after a week).
SAVED_PLANS_PREFIX = "plans/"
SAVED_PLANS_EXPIRY_DAYS = 7

# What a policy can name: the account root, an IAM user or an IAM role (with its path).
_NAME = r"[\w+=,.@-]+"
_PRINCIPAL = re.compile(
    rf"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>[0-9]{{12}}):"
    rf"(?P<kind>root|user|role)(?P<path>(?:/{_NAME})*)$"
)
_ASSUMED_ROLE = re.compile(
    rf"^arn:(?P<partition>aws[a-z-]*):sts::(?P<account>[0-9]{{12}}):"
    rf"assumed-role/(?P<role>{_NAME})/{_NAME}$"
)

# What Terraform's S3 backend does with the state, its lock file and its digest.
_STATE_BUCKET_ACTIONS = ["s3:ListBucket"]
_STATE_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
# What a named principal needs to run bootstrap again (update this key's policy and rotation).
_KEY_MANAGEMENT_ACTIONS = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:PutKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:EnableKeyRotation",
    "kms:CreateAlias",
    "kms:UpdateAlias",
]
_KEY_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]


class StateError(UserError):
    """Bootstrap refused: a principal that cannot be named, a lock-out, an unusable key."""


@dataclass(frozen=True)
class Principal:
    """An IAM principal a policy can name: the account root, an IAM user or an IAM role."""

    arn: str
    partition: str
    account: str
    kind: str  # "root", "user" or "role"
    name: str  # the user's or role's name (last path segment); "" for the root

    @classmethod
    def parse(cls, arn: str) -> Principal:
        match = _PRINCIPAL.match(arn)
        if not match or (match["kind"] == "root") != (match["path"] == ""):
            hint = ""
            if _ASSUMED_ROLE.match(arn):
                hint = " (that is a role session: name the role, arn:aws:iam::<account>:role/NAME)"
            raise StateError(
                f"--principal {arn!r} is not an IAM role, user or account-root ARN{hint}"
            )
        return cls(
            arn=arn,
            partition=match["partition"],
            account=match["account"],
            kind=match["kind"],
            name=match["path"].rsplit("/", 1)[-1],
        )


@dataclass(frozen=True)
class Caller:
    """Who runs bootstrap, from ``sts get-caller-identity``."""

    arn: str
    account: str
    partition: str

    @classmethod
    def from_identity(cls, identity: dict) -> Caller:
        arn = identity["Arn"]
        return cls(arn=arn, account=identity["Account"], partition=arn.split(":", 2)[1])

    @property
    def root_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:root"

    @property
    def role_name(self) -> str | None:
        """The role behind an assumed-role session, or None."""
        match = _ASSUMED_ROLE.match(self.arn)
        return match["role"] if match else None

    def is_covered_by(self, principal: Principal) -> bool:
        """Whether a policy naming ``principal`` admits this caller (``aws:PrincipalArn`` of a
        role session is its role's ARN, with the path STS leaves out of the session ARN)."""
        if principal.partition != self.partition or principal.account != self.account:
            return False
        if principal.kind == "root":
            return self.arn == self.root_arn
        if principal.kind == "user":
            return self.arn == principal.arn
        return self.role_name == principal.name


@dataclass(frozen=True)
class Clients:
    """The AWS clients bootstrap uses, passed in (tests give moto's)."""

    sts: object
    iam: object
    kms: object
    s3: object

    @classmethod
    def from_session(cls, session: boto3.session.Session) -> Clients:
        return cls(*(session.client(name) for name in ("sts", "iam", "kms", "s3")))


@dataclass(frozen=True)
class Bootstrapped:
    bucket: str
    bucket_created: bool
    key_arn: str
    key_created: bool
    principals: tuple[str, ...]


def state_bucket_name(account_id: str, region: str) -> str:
    return f"artificien-tfstate-{account_id}-{region}"


def key_alias(bucket: str) -> str:
    """The state key's alias: namespaced, so bootstrap never adopts an unrelated key."""
    return KEY_ALIAS_PREFIX + bucket.replace(".", "_")


def state_object_key(env: str, key: str = STATE_KEY) -> str:
    """The object the S3 backend keeps ``env``'s state in (its workspace of the same name)."""
    return f"{WORKSPACE_KEY_PREFIX}/{env}/{key}"


def saved_plans_prefix(env: str) -> str:
    return f"{SAVED_PLANS_PREFIX}{env}/"


def github_role_name(env: str, kind: str) -> str:
    """``artificien-dev-github-plan``: the name the github_oidc module gives, the workflows use."""
    if kind not in GITHUB_ROLE_KINDS:
        raise ValueError(f"unknown GitHub role kind {kind!r}")
    return f"{PROJECT}-{env}-github-{kind}"


def github_role_arns(partition: str, account: str, env: str) -> list[str]:
    return [
        f"arn:{partition}:iam::{account}:role/{github_role_name(env, kind)}"
        for kind in GITHUB_ROLE_KINDS
    ]


def existing_github_envs(iam, envs: Sequence[str]) -> list[str]:
    """The envs among ``envs`` whose GitHub plan role exists in the account: a re-run of
    bootstrap for one env keeps the other envs' CI in the shared bucket's policy."""
    found = []
    for env in envs:
        try:
            iam.get_role(RoleName=github_role_name(env, "plan"))
        except ClientError as err:
            if _error_code(err) != "NoSuchEntity":
                raise
            continue
        found.append(env)
    return found


def _error_code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def caller_principal(caller: Caller, iam) -> str:
    """The ARN a policy must name to admit the caller: a role session's role (read from IAM, for
    its path), an IAM user, or the account root."""
    if caller.arn == caller.root_arn or _PRINCIPAL.match(caller.arn):
        return caller.arn
    role = caller.role_name
    if role is None:
        raise StateError(
            f"bootstrap as an IAM role, an IAM user or the account root: {caller.arn} cannot be "
            "named in a bucket policy"
        )
    try:
        return iam.get_role(RoleName=role)["Role"]["Arn"]
    except ClientError as err:
        raise StateError(
            f"cannot read role {role}'s ARN ({_error_code(err)}): name it with "
            f"--principal arn:{caller.partition}:iam::{caller.account}:role/<path>{role}"
        ) from err


def admitted_principals(caller: Caller, named: Sequence[str], iam) -> tuple[str, ...]:
    """The principals the bucket and the key admit besides the account root: those named, or the
    caller's own. Refuses a list that leaves the caller out (the account root is always in)."""
    if not named:
        own = caller_principal(caller, iam)
        return () if own == caller.root_arn else (own,)
    parsed = [Principal.parse(arn) for arn in dict.fromkeys(named)]
    foreign = [p.arn for p in parsed if p.partition != caller.partition]
    if foreign:
        raise StateError(f"principals outside partition {caller.partition}: {', '.join(foreign)}")
    if caller.arn != caller.root_arn and not _admits(caller, parsed, iam):
        raise StateError(
            f"refusing a principal list that locks out the caller {caller.arn}: add its role or "
            "user with --principal, or run bootstrap as one of the named principals"
        )
    return tuple(sorted(p.arn for p in parsed if p.kind != "root"))


def _admits(caller: Caller, principals: Sequence[Principal], iam) -> bool:
    """Whether the list admits the caller. A role session is matched by its role's ARN when IAM
    tells it (a path makes ``role/NAME`` another role), else by the role's name."""
    if caller.role_name is not None:
        try:
            own = caller_principal(caller, iam)
        except StateError:
            own = None
        if own is not None:
            return own in {p.arn for p in principals}
    return any(caller.is_covered_by(p) for p in principals)


def key_policy(caller: Caller, principals: Sequence[str], region: str) -> dict:
    """The state key's policy: the account root (recovery; as in every key policy naming it, the
    account's IAM policies may then grant the key too, but the state is reached only through the
    bucket, which admits only the named principals), the named principals to manage this key and
    to use it through S3."""
    statements = [
        {
            "Sid": "AccountRootRecovery",
            "Effect": "Allow",
            "Principal": {"AWS": caller.root_arn},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if principals:
        statements += [
            {
                "Sid": "NamedPrincipalsManageThisKey",
                "Effect": "Allow",
                "Principal": {"AWS": list(principals)},
                "Action": _KEY_MANAGEMENT_ACTIONS,
                "Resource": "*",
            },
            {
                "Sid": "NamedPrincipalsUseItThroughS3",
                "Effect": "Allow",
                "Principal": {"AWS": list(principals)},
                "Action": _KEY_USE_ACTIONS,
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def _tls_statement(arns: list[str]) -> dict:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": arns,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def tls_only_policy(bucket: str) -> str:
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps({"Version": "2012-10-17", "Statement": [_tls_statement([arn, f"{arn}/*"])]})


def _github_statement(arn: str, caller: Caller, env: str) -> dict:
    """Env ``env``'s GitHub roles reach nothing in the bucket but their own env's state object,
    its lock file and their saved-plan prefix (and the bucket itself, to list it)."""
    state_object = f"{arn}/{state_object_key(env)}"
    return {
        "Sid": f"GitHubRolesOf{env.capitalize()}ReachOnlyTheirState",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "NotResource": [
            arn,
            state_object,
            f"{state_object}.tflock",
            f"{arn}/{saved_plans_prefix(env)}*",
        ],
        "Condition": {
            "ArnEquals": {
                "aws:PrincipalArn": github_role_arns(caller.partition, caller.account, env)
            }
        },
    }


def bucket_policy(
    bucket: str, caller: Caller, principals: Sequence[str], github_envs: Sequence[str] = ()
) -> dict:
    """TLS only; nobody but the named principals, the ``github_envs``' GitHub roles and the
    account root, whatever their IAM policies allow; the named principals may read and write the
    state, its lock and digest; each GitHub role only its own env's (module docstring)."""
    arn = f"arn:{caller.partition}:s3:::{bucket}"
    resources = [arn, f"{arn}/*"]
    envs = list(dict.fromkeys(github_envs))
    github = [r for env in envs for r in github_role_arns(caller.partition, caller.account, env)]
    statements = [
        _tls_statement(resources),
        {
            "Sid": "DenyAllButTheNamedPrincipals",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": resources,
            "Condition": {
                "ArnNotEquals": {"aws:PrincipalArn": [*principals, *github, caller.root_arn]}
            },
        },
        *(_github_statement(arn, caller, env) for env in envs),
    ]
    if principals:
        statements += [
            {
                "Sid": "NamedPrincipalsListTheState",
                "Effect": "Allow",
                "Principal": {"AWS": list(principals)},
                "Action": _STATE_BUCKET_ACTIONS,
                "Resource": arn,
            },
            {
                "Sid": "NamedPrincipalsReadAndWriteTheState",
                "Effect": "Allow",
                "Principal": {"AWS": list(principals)},
                "Action": _STATE_OBJECT_ACTIONS,
                "Resource": f"{arn}/*",
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def bucket_exists(s3, bucket: str) -> bool:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as err:
        if _error_code(err) in ("404", "NoSuchBucket", "NotFound"):
            return False
        raise
    return True


def find_state_key(kms, alias: str) -> str | None:
    """The ARN of the key behind ``alias``; refuses one that cannot encrypt (disabled, pending
    deletion), since the state written with it must stay readable."""
    try:
        metadata = kms.describe_key(KeyId=alias)["KeyMetadata"]
    except ClientError as err:
        if _error_code(err) == "NotFoundException":
            return None
        raise
    if metadata["KeyState"] != "Enabled":
        raise StateError(
            f"the state key {alias} ({metadata['Arn']}) is {metadata['KeyState']}: enable it or "
            f"cancel its deletion (aws kms cancel-key-deletion --key-id {metadata['KeyId']}; "
            "aws kms enable-key ...), then run bootstrap again"
        )
    return metadata["Arn"]


def ensure_state_key(
    kms, bucket: str, policy: dict, existing: str | None = None
) -> tuple[str, bool]:
    """Create the state key (symmetric, rotation on, its alias) or bring ``existing`` up to the
    policy. Returns (key ARN, created)."""
    document = json.dumps(policy)
    created = existing is None
    if existing is None:
        metadata = kms.create_key(
            Description=f"Terraform state in s3://{bucket} (artificien-infra bootstrap)",
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
            Policy=document,
            Tags=[{"TagKey": "artificien:state-bucket", "TagValue": bucket}],
        )["KeyMetadata"]
        existing = metadata["Arn"]
        kms.create_alias(AliasName=key_alias(bucket), TargetKeyId=existing)
    else:
        kms.put_key_policy(KeyId=existing, PolicyName="default", Policy=document)
    kms.enable_key_rotation(KeyId=existing)
    return existing, created


def ensure_state_bucket(
    s3,
    bucket: str,
    region: str,
    *,
    tls_only: bool = True,
    kms_key_arn: str | None = None,
    policy: dict | None = None,
    exists: bool | None = None,
) -> bool:
    """Create (or bring up to standard) the state bucket: versioned, encrypted (with
    ``kms_key_arn`` when given), private, and under ``policy`` (or TLS only). Returns True when
    the bucket was created. Every step is idempotent."""
    created = False
    if not (bucket_exists(s3, bucket) if exists is None else exists):
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
    default = {"SSEAlgorithm": "aws:kms"}
    if kms_key_arn:
        default["KMSMasterKeyID"] = kms_key_arn
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]
        },
    )
    if policy is not None:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    elif tls_only:
        # The emulator speaks plain HTTP on loopback, so the local bucket cannot require TLS.
        s3.put_bucket_policy(Bucket=bucket, Policy=tls_only_policy(bucket))
    return created


def expire_saved_plans(s3, bucket: str) -> None:
    """Saved plans handed from a plan job to an apply job are as secret as the state; those
    never applied (a rejected review) go after a week, their old versions a day later. The
    state bucket's only lifecycle rule: bootstrap owns the bucket's lifecycle configuration."""
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire-saved-plans",
                    "Status": "Enabled",
                    "Filter": {"Prefix": SAVED_PLANS_PREFIX},
                    "Expiration": {"Days": SAVED_PLANS_EXPIRY_DAYS},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                }
            ]
        },
    )


def bootstrap(
    clients: Clients,
    region: str,
    *,
    bucket: str | None = None,
    principals: Sequence[str] = (),
    github_envs: Sequence[str] = (),
) -> Bootstrapped:
    """Bring a real environment's state bucket and key to the rule in this module's docstring.
    Reads first (caller, principals, bucket, key), then writes: the key before the bucket, so an
    invalid principal is refused by KMS before any bucket is created. ``github_envs``: the envs
    whose GitHub roles the bucket lets in (to their own state only)."""
    caller = Caller.from_identity(clients.sts.get_caller_identity())
    admitted = admitted_principals(caller, principals, clients.iam)
    name = bucket or state_bucket_name(caller.account, region)
    exists = bucket_exists(clients.s3, name)
    existing_key = find_state_key(clients.kms, key_alias(name))
    key_arn, key_created = ensure_state_key(
        clients.kms, name, key_policy(caller, admitted, region), existing_key
    )
    bucket_created = ensure_state_bucket(
        clients.s3,
        name,
        region,
        kms_key_arn=key_arn,
        policy=bucket_policy(name, caller, admitted, github_envs),
        exists=exists,
    )
    expire_saved_plans(clients.s3, name)
    return Bootstrapped(name, bucket_created, key_arn, key_created, admitted)


def backend_hcl(
    bucket: str,
    region: str,
    *,
    profile: str | None = None,
    endpoint_url: str | None = None,
    kms_key_id: str | None = None,
    key: str = STATE_KEY,
) -> str:
    lines = [
        f"bucket       = {json.dumps(bucket)}",
        f"key          = {json.dumps(key)}",
        f"region       = {json.dumps(region)}",
        "encrypt      = true",
        "use_lockfile = true",
    ]
    if kms_key_id:
        # Without it, encrypt = true makes the backend ask S3 for AES256 on every write, which
        # overrides the bucket's default key.
        lines.append(f"kms_key_id   = {json.dumps(kms_key_id)}")
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
