"""Preflight's hosted-zone and delegation checks against moto, with a stubbed public resolver."""

from __future__ import annotations

import sys
import types

import pytest

from artificien_infra.core import preflight_checks as checks
from artificien_infra.core.preflight_probe import ResolverUnavailable, Verdict, public_name_servers


def answers(*servers: str):
    def resolve(domain: str) -> list[str]:
        return list(servers)

    return resolve


def test_an_existing_public_zone_passes(world):
    zone = world.hosted_zone()
    outcome = checks.check_hosted_zone(world.probe())
    assert outcome.verdict is Verdict.PASS
    assert outcome.found == f"dev.example.com: {zone['HostedZone']['Id']}"


def test_a_missing_zone_fails_with_the_command_that_creates_it(world):
    # GIVEN only a zone of another name and a private zone of the domain
    world.hosted_zone("staging.example.com")
    world.hosted_zone(private=True)
    outcome = checks.check_hosted_zone(world.probe())
    # THEN neither counts, and the fix names the create-hosted-zone call
    assert outcome.verdict is Verdict.FAIL
    assert outcome.found == "no public hosted zone dev.example.com"
    assert "aws route53 create-hosted-zone --name dev.example.com" in outcome.fix
    assert "create_hosted_zone = true" in outcome.fix


def test_two_public_zones_of_the_domain_fail(world):
    world.hosted_zone()
    world.hosted_zone()
    outcome = checks.check_hosted_zone(world.probe())
    assert outcome.verdict is Verdict.FAIL
    assert "2 public zones named dev.example.com" in outcome.found


def test_a_zone_the_apply_creates_is_skipped_as_created_by_apply(world):
    outcome = checks.check_hosted_zone(world.probe(create_hosted_zone=True))
    assert outcome.verdict is Verdict.SKIP
    assert "created by apply" in outcome.found
    delegation = checks.check_delegation(world.probe(create_hosted_zone=True))
    assert delegation.verdict is Verdict.SKIP
    assert "after the apply" in delegation.found


def test_creating_a_zone_that_exists_warns(world):
    world.hosted_zone()
    outcome = checks.check_hosted_zone(world.probe(create_hosted_zone=True))
    assert outcome.verdict is Verdict.WARN
    assert "create_hosted_zone = false" in outcome.fix


def test_no_domain_fails_in_a_real_env_and_is_skipped_in_local(world):
    real = checks.check_hosted_zone(world.probe(domain=None))
    assert real.verdict is Verdict.FAIL
    assert "set domain" in real.fix
    assert checks.check_hosted_zone(world.probe("local", domain=None)).verdict is Verdict.SKIP
    assert checks.check_delegation(world.probe(domain=None)).verdict is Verdict.SKIP


def test_delegation_to_the_zones_name_servers_passes(world):
    # GIVEN the public DNS answers the zone's own servers (any case, with trailing dots)
    servers = world.hosted_zone()["DelegationSet"]["NameServers"]
    public = answers(*(s.upper() + "." for s in reversed(servers)))
    outcome = checks.check_delegation(world.probe(resolve=public))
    assert outcome.verdict is Verdict.PASS
    assert outcome.found == f"delegated to the zone's {len(servers)} name servers"


def test_delegation_to_other_servers_fails_naming_the_zones(world):
    servers = world.hosted_zone()["DelegationSet"]["NameServers"]
    old = answers("ns1.registrar.example.", "ns2.registrar.example.")
    outcome = checks.check_delegation(world.probe(resolve=old))
    assert outcome.verdict is Verdict.FAIL
    assert "ns1.registrar.example" in outcome.found
    assert "NS records at its parent" in outcome.fix
    assert all(server in outcome.fix for server in servers)


def test_an_undelegated_domain_fails(world):
    world.hosted_zone()
    outcome = checks.check_delegation(world.probe(resolve=answers()))
    assert outcome.verdict is Verdict.FAIL
    assert outcome.found == "the public DNS has no NS for dev.example.com"


def test_delegation_that_cannot_be_asked_warns(world):
    world.hosted_zone()

    def unavailable(domain: str) -> list[str]:
        raise ResolverUnavailable("dnspython is not installed (pip install dnspython)")

    outcome = checks.check_delegation(world.probe(resolve=unavailable))
    assert outcome.verdict is Verdict.WARN
    assert outcome.found == (
        "cannot check delegation: dnspython is not installed (pip install dnspython)"
    )
    assert "dig NS dev.example.com +short" in outcome.fix


def test_the_default_resolver_without_dnspython_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "dns", None)  # import dns raises ImportError
    with pytest.raises(ResolverUnavailable, match="dnspython is not installed"):
        public_name_servers("dev.example.com")


def _fake_dnspython(monkeypatch, resolve) -> None:
    """A stand-in for dnspython's modules, shaped as the default resolver uses them."""
    exception = types.ModuleType("dns.exception")
    resolver = types.ModuleType("dns.resolver")

    class DNSException(Exception):
        pass

    class NXDOMAIN(DNSException):
        pass

    class NoAnswer(DNSException):
        pass

    exception.DNSException = DNSException
    resolver.NXDOMAIN, resolver.NoAnswer, resolver.resolve = NXDOMAIN, NoAnswer, resolve
    package = types.ModuleType("dns")
    package.exception, package.resolver = exception, resolver
    modules = {"dns": package, "dns.exception": exception, "dns.resolver": resolver}
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)


def test_the_default_resolver_reads_ns_targets_and_tells_none_from_failure(monkeypatch):
    record = types.SimpleNamespace(target=types.SimpleNamespace(to_text=lambda: "ns-1.aws."))
    calls = []

    def resolve(domain, kind):
        calls.append((domain, kind))
        if domain == "gone.example.com":
            raise sys.modules["dns.resolver"].NXDOMAIN()
        if domain == "slow.example.com":
            raise sys.modules["dns.exception"].DNSException("timed out")
        return [record]

    _fake_dnspython(monkeypatch, resolve)
    assert public_name_servers("dev.example.com") == ["ns-1.aws."]
    assert calls == [("dev.example.com", "NS")]
    assert public_name_servers("gone.example.com") == []
    with pytest.raises(ResolverUnavailable, match="timed out"):
        public_name_servers("slow.example.com")
