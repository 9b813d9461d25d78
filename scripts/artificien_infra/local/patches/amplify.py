"""Amplify's app, branch and domain-association calls as simple CRUD, for moto 5.2.

moto 5.2 has no Amplify at all, so a rehearsal of a real env (which turns Amplify on) cannot
apply ``aws_amplify_app``, ``aws_amplify_branch`` or ``aws_amplify_domain_association``. The patch
adds a small moto backend for the REST-JSON paths the AWS provider calls (``/apps``,
``/apps/{appId}/branches``, ``/apps/{appId}/domains``, ``/tags/{resourceArn}``) and registers it
in moto's dispatcher, so requests signed for service ``amplify`` reach it in server mode (and
under ``mock_aws``). Requests are parsed and answers serialized by moto from botocore's Amplify
model, the way moto's own services do it.

What it stands in for: nothing is built or deployed. A domain association is answered as AWS
answers a finished one (``domainStatus`` AVAILABLE, every sub-domain verified, a certificate
verification record), so the provider's ``wait_for_verification`` returns at once. Repository
tokens (``accessToken``/``oauthToken``) are accepted and dropped: AWS never returns them either.
Errors are AWS's: ``NotFoundException`` (404) for an unknown app, branch or domain,
``BadRequestException`` (400) for a missing required field or a duplicate, and
``ResourceNotFoundException`` (404) for tags on an ARN that is not an app or a branch.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import moto.backend_index as backend_index
import moto.backends as moto_backends
from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

SERVICE = "amplify"
_PATCHED = "_artificien_amplify_patched"
# What the provider sends to clear a map (an empty map would be dropped from the request).
_CLEARED_MAP = {"": ""}
_SECRETS = ("accessToken", "oauthToken")
_URI_PARAMS = ("appId", "branchName", "domainName")
_DOMAIN_OPTIONS = ("enableAutoSubDomain", "autoSubDomainCreationPatterns", "autoSubDomainIAMRole")


class NotFoundException(ServiceException):
    code = "NotFoundException"


class BadRequestException(ServiceException):
    code = "BadRequestException"


class ResourceNotFoundException(ServiceException):
    code = "ResourceNotFoundException"


def new_app_id() -> str:
    """An id shaped like AWS's: ``d`` then 13 lowercase letters and digits."""
    return "d" + mock_random.get_random_string(length=13, lower_case=True)


def _digest(text: str) -> str:
    """Stable stand-in hex for names AWS would generate (CloudFront, validation records)."""
    return hashlib.sha256(text.encode()).hexdigest()


def _require(params: dict[str, Any], *names: str) -> None:
    for name in names:
        if params.get(name) in (None, "", []):
            raise BadRequestException(f"{name} is required")


def _given(params: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: params[name] for name in names if params.get(name) is not None}


def _settings(params: dict[str, Any]) -> dict[str, Any]:
    """The request's own fields: no path labels, no repository tokens, cleared maps emptied."""
    settings = {k: v for k, v in params.items() if k not in _URI_PARAMS + _SECRETS}
    if settings.get("environmentVariables") == _CLEARED_MAP:
        settings["environmentVariables"] = {}
    auto = settings.get("autoBranchCreationConfig")
    if auto and auto.get("environmentVariables") == _CLEARED_MAP:
        settings["autoBranchCreationConfig"] = {**auto, "environmentVariables": {}}
    return settings


def page(items: list[Any], max_results: int | None, next_token: str | None) -> dict[str, Any]:
    """One page of a list: ``nextToken`` is the offset of the next item, absent on the last."""
    try:
        start = int(next_token) if next_token else 0
    except ValueError:
        raise BadRequestException(f"invalid nextToken {next_token!r}") from None
    end = start + max_results if max_results else len(items)
    return {"items": items[start:end], "nextToken": str(end) if end < len(items) else None}


def _sub_domain(setting: dict[str, Any], cloudfront: str) -> dict[str, Any]:
    prefix = setting.get("prefix", "")
    return {
        "subDomainSetting": {"prefix": prefix, "branchName": setting["branchName"]},
        "verified": True,
        "dnsRecord": f"{prefix} CNAME {cloudfront}",
    }


@dataclass
class App:
    data: dict[str, Any]
    branches: dict[str, dict[str, Any]] = field(default_factory=dict)
    domains: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def cloudfront(self) -> str:
        """The distribution name AWS points custom domains at; stable per app."""
        return f"d{_digest(self.data['appArn'])[:13]}.cloudfront.net"

    def custom_domains(self, branch_name: str) -> list[str]:
        """The names the app's domain associations serve this branch on (as AWS lists them)."""
        return [
            ".".join(filter(None, (sub["subDomainSetting"]["prefix"], domain["domainName"])))
            for domain in self.domains.values()
            for sub in domain["subDomains"]
            if sub["subDomainSetting"]["branchName"] == branch_name
        ]


class AmplifyBackend(BaseBackend):
    """Apps of one account and region, each holding its branches and domain associations."""

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.apps: dict[str, App] = {}

    @property
    def _url_module(self) -> ModuleType:  # type: ignore[override]
        # moto looks for url_bases/url_paths in the backend's own package; ours are here.
        return sys.modules[__name__]

    def _arn(self, path: str) -> str:
        return f"arn:{self.partition}:amplify:{self.region_name}:{self.account_id}:apps/{path}"

    # -- apps -------------------------------------------------------------------------------
    def create_app(self, params: dict[str, Any]) -> dict[str, Any]:
        _require(params, "name")
        app_id = new_app_id()
        now = utcnow()
        data = {
            "description": "",
            "repository": "",
            "platform": "WEB",
            "environmentVariables": {},
            "enableBranchAutoBuild": False,
            "enableBranchAutoDeletion": False,
            "enableBasicAuth": False,
            "enableAutoBranchCreation": False,
            "customRules": [],
            "tags": {},
            **_settings(params),
            "appId": app_id,
            "appArn": self._arn(app_id),
            "defaultDomain": f"{app_id}.amplifyapp.com",
            "createTime": now,
            "updateTime": now,
        }
        self.apps[app_id] = App(data=data)
        return data

    def app(self, app_id: str) -> App:
        if app_id not in self.apps:
            raise NotFoundException(f"App {app_id} not found.")
        return self.apps[app_id]

    def update_app(self, app_id: str, params: dict[str, Any]) -> dict[str, Any]:
        data = self.app(app_id).data
        data.update(_settings(params), updateTime=utcnow())
        return data

    def delete_app(self, app_id: str) -> dict[str, Any]:
        data = self.app(app_id).data
        del self.apps[app_id]
        return data

    def list_apps(self) -> list[dict[str, Any]]:
        return [app.data for app in self.apps.values()]

    # -- branches ---------------------------------------------------------------------------
    def _branch_view(self, app: App, branch: dict[str, Any]) -> dict[str, Any]:
        return {**branch, "customDomains": app.custom_domains(branch["branchName"])}

    def create_branch(self, app_id: str, params: dict[str, Any]) -> dict[str, Any]:
        app = self.app(app_id)
        _require(params, "branchName")
        name = params["branchName"]
        if name in app.branches:
            raise BadRequestException(f"Branch {name} already exists for app {app_id}.")
        now = utcnow()
        app.branches[name] = {
            "description": "",
            "stage": "NONE",
            "displayName": name.replace("/", "-").lower(),
            "enableNotification": False,
            "enableAutoBuild": True,
            "enableBasicAuth": False,
            "enablePerformanceMode": False,
            "enablePullRequestPreview": False,
            "environmentVariables": {},
            "framework": "",
            "ttl": "5",
            "activeJobId": "0",
            "totalNumberOfJobs": "0",
            "tags": {},
            **_settings(params),
            "branchName": name,
            "branchArn": self._arn(f"{app_id}/branches/{name}"),
            "createTime": now,
            "updateTime": now,
        }
        return self._branch_view(app, app.branches[name])

    def _branch(self, app: App, name: str) -> dict[str, Any]:
        if name not in app.branches:
            raise NotFoundException(f"Branch {name} not found for app {app.data['appId']}.")
        return app.branches[name]

    def get_branch(self, app_id: str, name: str) -> dict[str, Any]:
        app = self.app(app_id)
        return self._branch_view(app, self._branch(app, name))

    def update_branch(self, app_id: str, name: str, params: dict[str, Any]) -> dict[str, Any]:
        app = self.app(app_id)
        self._branch(app, name).update(_settings(params), updateTime=utcnow())
        return self.get_branch(app_id, name)

    def delete_branch(self, app_id: str, name: str) -> dict[str, Any]:
        app = self.app(app_id)
        view = self._branch_view(app, self._branch(app, name))
        del app.branches[name]
        return view

    def list_branches(self, app_id: str) -> list[dict[str, Any]]:
        app = self.app(app_id)
        return [self._branch_view(app, branch) for branch in app.branches.values()]

    # -- domain associations ----------------------------------------------------------------
    def _sub_domains(self, app: App, settings: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for setting in settings:
            _require(setting, "branchName")
            self._branch(app, setting["branchName"])
        return [_sub_domain(setting, app.cloudfront) for setting in settings]

    @staticmethod
    def _certificate(settings: dict[str, Any] | None, record: str) -> dict[str, Any]:
        settings = settings or {"type": "AMPLIFY_MANAGED"}
        _require(settings, "type")
        if settings["type"] == "CUSTOM":
            _require(settings, "customCertificateArn")
            return {"type": "CUSTOM", "customCertificateArn": settings["customCertificateArn"]}
        return {"type": settings["type"], "certificateVerificationDNSRecord": record}

    def create_domain_association(self, app_id: str, params: dict[str, Any]) -> dict[str, Any]:
        app = self.app(app_id)
        _require(params, "domainName", "subDomainSettings")
        name = params["domainName"]
        if name in app.domains:
            raise BadRequestException(f"Domain {name} is already associated with app {app_id}.")
        arn = self._arn(f"{app_id}/domains/{name}")
        digest = _digest(arn)
        record = f"_{digest[:32]}.{name}. CNAME _{digest[32:]}.{digest[:10]}.acm-validations.aws."
        certificate = self._certificate(params.get("certificateSettings"), record)
        domain = {
            "enableAutoSubDomain": False,
            **_given(params, _DOMAIN_OPTIONS),
            "domainAssociationArn": arn,
            "domainName": name,
            "domainStatus": "AVAILABLE",
            "updateStatus": "UPDATE_COMPLETE",
            "statusReason": "",
            "certificateVerificationDNSRecord": record,
            "subDomains": self._sub_domains(app, params["subDomainSettings"]),
            "certificate": certificate,
        }
        app.domains[name] = domain
        return domain

    def domain_association(self, app_id: str, name: str) -> dict[str, Any]:
        app = self.app(app_id)
        if name not in app.domains:
            raise NotFoundException(f"Domain {name} not found for app {app_id}.")
        return app.domains[name]

    def update_domain_association(
        self, app_id: str, name: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        app = self.app(app_id)
        domain = self.domain_association(app_id, name)
        changes = _given(params, _DOMAIN_OPTIONS)
        if params.get("subDomainSettings") is not None:
            changes["subDomains"] = self._sub_domains(app, params["subDomainSettings"])
        if params.get("certificateSettings") is not None:
            record = domain["certificateVerificationDNSRecord"]
            changes["certificate"] = self._certificate(params["certificateSettings"], record)
        domain.update(changes)
        return domain

    def delete_domain_association(self, app_id: str, name: str) -> dict[str, Any]:
        domain = self.domain_association(app_id, name)
        del self.apps[app_id].domains[name]
        return domain

    def list_domain_associations(self, app_id: str) -> list[dict[str, Any]]:
        return list(self.app(app_id).domains.values())

    # -- tags -------------------------------------------------------------------------------
    def _tagged(self, arn: str) -> dict[str, Any]:
        for app in self.apps.values():
            if app.data["appArn"] == arn:
                return app.data
            for branch in app.branches.values():
                if branch["branchArn"] == arn:
                    return branch
        raise ResourceNotFoundException(f"Resource {arn} not found.")

    def list_tags(self, arn: str) -> dict[str, str]:
        return dict(self._tagged(arn)["tags"])

    def tag_resource(self, arn: str, tags: dict[str, str] | None) -> None:
        resource = self._tagged(arn)
        _require({"tags": tags}, "tags")
        resource["tags"] = {**resource["tags"], **(tags or {})}

    def untag_resource(self, arn: str, keys: list[str] | None) -> None:
        resource = self._tagged(arn)
        _require({"tagKeys": keys}, "tagKeys")
        resource["tags"] = {k: v for k, v in resource["tags"].items() if k not in (keys or [])}


amplify_backends = BackendDict(AmplifyBackend, SERVICE)


class AmplifyResponse(BaseResponse):
    """The REST-JSON handlers: parse with moto, call the backend, answer in the model's shape."""

    def __init__(self) -> None:
        super().__init__(service_name=SERVICE)
        self.automated_parameter_parsing = True

    @property
    def backend(self) -> AmplifyBackend:
        return amplify_backends[self.current_account][self.region]

    @property
    def _params(self) -> dict[str, Any]:
        return {**self.params, **self.uri_match}

    def _page(self, key: str, items: list[Any]) -> ActionResult:
        answer = page(items, self._params.get("maxResults"), self._params.get("nextToken"))
        return ActionResult({key: answer["items"], "nextToken": answer["nextToken"]})

    def create_app(self) -> ActionResult:
        return ActionResult({"app": self.backend.create_app(self._params)})

    def get_app(self) -> ActionResult:
        return ActionResult({"app": self.backend.app(self._params["appId"]).data})

    def update_app(self) -> ActionResult:
        return ActionResult({"app": self.backend.update_app(self._params["appId"], self._params)})

    def delete_app(self) -> ActionResult:
        return ActionResult({"app": self.backend.delete_app(self._params["appId"])})

    def list_apps(self) -> ActionResult:
        return self._page("apps", self.backend.list_apps())

    def create_branch(self) -> ActionResult:
        p = self._params
        return ActionResult({"branch": self.backend.create_branch(p["appId"], p)})

    def get_branch(self) -> ActionResult:
        p = self._params
        return ActionResult({"branch": self.backend.get_branch(p["appId"], p["branchName"])})

    def update_branch(self) -> ActionResult:
        p = self._params
        return ActionResult({"branch": self.backend.update_branch(p["appId"], p["branchName"], p)})

    def delete_branch(self) -> ActionResult:
        p = self._params
        return ActionResult({"branch": self.backend.delete_branch(p["appId"], p["branchName"])})

    def list_branches(self) -> ActionResult:
        return self._page("branches", self.backend.list_branches(self._params["appId"]))

    def create_domain_association(self) -> ActionResult:
        p = self._params
        domain = self.backend.create_domain_association(p["appId"], p)
        return ActionResult({"domainAssociation": domain})

    def get_domain_association(self) -> ActionResult:
        p = self._params
        domain = self.backend.domain_association(p["appId"], p["domainName"])
        return ActionResult({"domainAssociation": domain})

    def update_domain_association(self) -> ActionResult:
        p = self._params
        domain = self.backend.update_domain_association(p["appId"], p["domainName"], p)
        return ActionResult({"domainAssociation": domain})

    def delete_domain_association(self) -> ActionResult:
        p = self._params
        domain = self.backend.delete_domain_association(p["appId"], p["domainName"])
        return ActionResult({"domainAssociation": domain})

    def list_domain_associations(self) -> ActionResult:
        domains = self.backend.list_domain_associations(self._params["appId"])
        return self._page("domainAssociations", domains)

    def list_tags_for_resource(self) -> ActionResult:
        return ActionResult({"tags": self.backend.list_tags(self._params["resourceArn"])})

    def tag_resource(self) -> ActionResult:
        p = self._params
        self.backend.tag_resource(p["resourceArn"], p.get("tags"))
        return ActionResult({})

    def untag_resource(self) -> ActionResult:
        p = self._params
        self.backend.untag_resource(p["resourceArn"], p.get("tagKeys"))
        return ActionResult({})


url_bases = [r"https?://amplify\.(.+)\.amazonaws\.com"]
_APP = r"{0}/apps/(?P<appId>[^/]+)"
url_paths = {
    "{0}/apps$": AmplifyResponse.dispatch,
    _APP + "$": AmplifyResponse.dispatch,
    _APP + "/branches$": AmplifyResponse.dispatch,
    # Branch names may hold "/" (feature/x): the rest of the path is the name.
    _APP + "/branches/(?P<branchName>.+)$": AmplifyResponse.dispatch,
    _APP + "/domains$": AmplifyResponse.dispatch,
    _APP + "/domains/(?P<domainName>[^/]+)$": AmplifyResponse.dispatch,
    "{0}/tags/(?P<resourceArn>.+)$": AmplifyResponse.dispatch,
}


def register() -> None:
    """Route service ``amplify`` to the backend above (idempotent)."""
    if getattr(moto_backends, _PATCHED, False):
        return
    original_get_backend = moto_backends.get_backend

    def get_backend(name: Any) -> Any:
        # moto imports ``moto.<name>`` for a backend; there is no moto.amplify to import.
        if name == SERVICE:
            return amplify_backends
        return original_get_backend(name)

    moto_backends.get_backend = get_backend  # type: ignore[assignment]
    # The dispatcher and mock_aws read this list (the same object) to map a host to a service.
    for base in url_bases:
        backend_index.backend_url_patterns.append((SERVICE, re.compile(base)))
    setattr(moto_backends, _PATCHED, True)
