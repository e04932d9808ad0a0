"""The proxy's configuration: a TOML file (``tomllib``), checked whole at start.

::

    public_url = "https://proxy.example.com"   # where the vendor's webhooks reach the proxy
    policy = "lenient"                          # or "strict"

    [app]                                       # the application, which keeps its dialect
    dialect = "chirp"
    credentials = { api_key = "env:APP_CHIRP_KEY" }
    webhook_url = "https://app.example.com/hooks"   # where the app's webhooks go by default
    signing_key = "env:APP_WEBHOOK_SECRET"          # the app dialect's webhook authentication

    [vendor]                                    # the vendor the proxy speaks to
    dialect = "signalwire"
    base_url = "https://example.signalwire.com"
    credentials = { project_id = "env:SW_PROJECT", token = "env:SW_TOKEN" }
    signing_key = "env:SW_SIGNING_KEY"              # verifies the vendor's webhooks

    [url_policy]                                # beyond public https (e.g. a local simulator)
    allow_insecure = true
    allow_networks = ["127.0.0.0/8"]

Secrets are never written in the file: a value ``"env:NAME"`` is read from the environment variable
``NAME``. A bad config raises :class:`ConfigError` naming the key and the reason.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from callglot._server import RETRY_SCHEDULES
from callglot.canonical.urls import UrlPolicy, check_url
from callglot.errors import CallglotError

__all__ = ["CREDENTIAL_KEYS", "ConfigError", "Party", "ProxyConfig", "load_config"]

#: The credentials each dialect's requests carry (the transport's argument names).
CREDENTIAL_KEYS: Mapping[str, tuple[str, ...]] = {
    "chirp": ("api_key",),
    "signalwire": ("project_id", "token"),
    "gateway": ("app_id", "api_key"),
    "canonical": ("token",),
}
_SECRET_KEYS = frozenset({"api_key", "token", "signing_key"})


class ConfigError(CallglotError):
    """The configuration is wrong: ``key`` (dotted, e.g. ``vendor.base_url``) and why."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"{key}: {reason}")


@attrs.frozen(kw_only=True)
class Party:
    """One side of the proxy: its dialect, credentials, and webhook URL and key."""

    dialect: str
    credentials: Mapping[str, str] = attrs.field(repr=lambda c: "{" + ", ".join(f"{k}=***" for k in c) + "}")
    base_url: str | None = None
    webhook_url: str | None = None
    signing_key: str | None = attrs.field(default=None, repr=lambda k: "None" if k is None else "***")


@attrs.frozen(kw_only=True)
class ProxyConfig:
    """The whole configuration (see the module's docstring for the file)."""

    app: Party
    vendor: Party
    public_url: str
    strict: bool = False
    url_policy: UrlPolicy = UrlPolicy()
    #: Where the state lives: None (memory, this process) or a Redis URL shared by several instances.
    store: str | None = attrs.field(default=None, repr=lambda u: "None" if u is None else "redis://***")
    #: Redis mode: seconds before each retry of a webhook the app did not take (then the dead letters);
    #: by default the app dialect's own schedule (Chirp: 1, 2, 4, 8, 16 s; the gateway: 1, 2, 4 s;
    #: SignalWire, best effort: none).
    delivery_schedule: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 16.0)
    #: Redis mode: how long a queued webhook sits unacknowledged before another instance claims it, and
    #: how long a partition stays with an instance that stopped renewing its lease (milliseconds).
    delivery_idle_ms: int = 60_000
    delivery_lease_ms: int = 5_000


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"{where}{key}", "required table missing" if value is None else "must be a table")
    return value


def _text(data: Mapping[str, Any], key: str, where: str, environ: Mapping[str, str], *, required: bool) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ConfigError(f"{where}{key}", "required")
        return None
    if type(value) is not str or not value:
        raise ConfigError(f"{where}{key}", "must be a non-empty string")
    if value.startswith("env:"):
        name = value[4:]
        resolved = environ.get(name)
        if not resolved:
            raise ConfigError(f"{where}{key}", f"environment variable {name} is not set")
        return resolved
    if key in _SECRET_KEYS:
        raise ConfigError(f"{where}{key}", 'secrets come from the environment: write "env:NAME"')
    return value


def _party(data: Mapping[str, Any], side: str, environ: Mapping[str, str], policy: UrlPolicy) -> Party:
    known = {"dialect", "credentials", "base_url", "webhook_url", "signing_key"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{side}.{unknown[0]}", f"unknown key (known: {', '.join(sorted(known))})")
    where = f"{side}."
    dialect = _text(data, "dialect", where, environ, required=True) or ""
    if dialect not in CREDENTIAL_KEYS:
        raise ConfigError(f"{side}.dialect", f"must be one of {', '.join(CREDENTIAL_KEYS)}, not {dialect!r}")
    table = _table(data, "credentials", where)
    names = CREDENTIAL_KEYS[dialect]
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise ConfigError(f"{side}.credentials.{unknown[0]}", f"{dialect} takes {', '.join(names)}")
    credentials = {}
    for name in names:
        value = table.get(name)
        if type(value) is not str or not value.startswith("env:"):
            raise ConfigError(f"{side}.credentials.{name}", 'required, as "env:NAME" (secrets stay out of the file)')
        credentials[name] = _text(table, name, f"{side}.credentials.", environ, required=True) or ""
    urls = {}
    for key in ("base_url", "webhook_url"):
        value = _text(data, key, where, environ, required=False)
        if value is not None:
            try:
                value = check_url(value, policy=policy)
            except CallglotError as exc:
                raise ConfigError(f"{side}.{key}", str(exc)) from None
        urls[key] = value
    return Party(
        dialect=dialect,
        credentials=credentials,
        signing_key=_text(data, "signing_key", where, environ, required=False),
        **urls,
    )


def _url_policy(data: Any) -> UrlPolicy:
    if data is None:
        return UrlPolicy()
    if not isinstance(data, dict):
        raise ConfigError("url_policy", "must be a table")
    known = {"allow_insecure", "allow_networks", "allow_hosts"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"url_policy.{unknown[0]}", f"unknown key (known: {', '.join(sorted(known))})")
    insecure = data.get("allow_insecure", False)
    if type(insecure) is not bool:
        raise ConfigError("url_policy.allow_insecure", "must be true or false")
    lists = {}
    for key in ("allow_networks", "allow_hosts"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(type(item) is str for item in value):
            raise ConfigError(f"url_policy.{key}", "must be a list of strings")
        lists[key] = value
    try:
        return UrlPolicy(
            allow_insecure=insecure, allow_networks=tuple(lists["allow_networks"]), allow_hosts=lists["allow_hosts"]
        )
    except (ValueError, TypeError) as exc:
        raise ConfigError("url_policy", str(exc)) from None


def parse_config(data: Mapping[str, Any], environ: Mapping[str, str]) -> ProxyConfig:
    """A :class:`ProxyConfig` from parsed TOML ``data``; secrets from ``environ``."""
    known = {
        "public_url", "policy", "app", "vendor", "url_policy", "store", "delivery_schedule", "delivery_idle_ms",
        "delivery_lease_ms",
    }  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(unknown[0], f"unknown key (known: {', '.join(sorted(known))})")
    policy = _url_policy(data.get("url_policy"))
    public_url = _text(data, "public_url", "", environ, required=True) or ""
    try:
        public_url = check_url(public_url, policy=policy).rstrip("/")
    except CallglotError as exc:
        raise ConfigError("public_url", str(exc)) from None
    mode = data.get("policy", "lenient")
    if mode not in ("strict", "lenient"):
        raise ConfigError("policy", 'must be "strict" or "lenient"')
    app = _party(_table(data, "app", ""), "app", environ, policy)
    vendor = _party(_table(data, "vendor", ""), "vendor", environ, policy)
    if vendor.base_url is None and vendor.dialect != "chirp":
        raise ConfigError("vendor.base_url", f"required for {vendor.dialect}")
    if app.dialect == vendor.dialect:
        raise ConfigError("vendor.dialect", "is the app's dialect: there is nothing to translate")
    store = _text(data, "store", "", environ, required=False)
    if store is not None and not store.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            "store", "must be a Redis URL (redis://host:port/db, rediss://, unix://); leave it out for memory"
        )
    # The app dialect's own retry schedule unless the config gives one (SignalWire's: none, best effort).
    schedule = data.get("delivery_schedule", list(RETRY_SCHEDULES[app.dialect]))
    if (
        not isinstance(schedule, list)
        or len(schedule) > 100
        or not all(type(s) in (int, float) and 0 <= s <= 3600 for s in schedule)
    ):
        raise ConfigError("delivery_schedule", "must be a list of at most 100 delays in seconds (0..3600)")
    return ProxyConfig(
        app=app, vendor=vendor, public_url=public_url, strict=mode == "strict", url_policy=policy, store=store,
        delivery_schedule=tuple(float(s) for s in schedule),
        delivery_idle_ms=_milliseconds(data, "delivery_idle_ms", 60_000),
        delivery_lease_ms=_milliseconds(data, "delivery_lease_ms", 5_000),
    )  # fmt: skip


def _milliseconds(data: Mapping[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    if type(value) is not int or not 100 <= value <= 3_600_000:
        raise ConfigError(key, "must be milliseconds, an integer in 100..3600000")
    return value


def load_config(path: str | Path, environ: Mapping[str, str]) -> ProxyConfig:
    """Read and check the TOML file at ``path``."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError("(file)", f"cannot read {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("(file)", f"not TOML: {exc}") from None
    return parse_config(data, environ)
