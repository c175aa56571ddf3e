"""What a credential says about itself: its name, issuer and achievement (ids, URLs, alignments)."""

from __future__ import annotations

from typing import Any

from ingest.badges.result import Achievement, Alignment


def text(value: Any) -> str:
    """A plain or language-tagged string ({"@value": ...}, or the first of a list) as text."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return text(value.get("@value", ""))
    if isinstance(value, list) and value:
        return text(value[0])
    return ""


def issuer_of(credential: dict[str, Any]) -> tuple[str, str]:
    """(issuer id, issuer name) of an OB 3.0 / VC credential, or of an OB 2.0 assertion's badge."""
    issuer = credential.get("issuer")
    badge = credential.get("badge")
    if issuer is None and isinstance(badge, dict):
        issuer = badge.get("issuer")
    if isinstance(issuer, str):
        return issuer, ""
    if isinstance(issuer, dict):
        return text(issuer.get("id")), text(issuer.get("name"))
    return "", ""


def achievement_node(credential: dict[str, Any]) -> dict[str, Any] | None:
    """The Achievement (OB 3.0) or embedded BadgeClass (OB 2.0) the credential is for."""
    badge = credential.get("badge")
    if isinstance(badge, dict):
        return badge
    subject = credential.get("credentialSubject")
    for item in subject if isinstance(subject, list) else [subject]:
        if isinstance(item, dict) and isinstance(item.get("achievement"), dict):
            return dict(item["achievement"])
    return None


def achievement_of(credential: dict[str, Any]) -> Achievement:
    """The facts the catalogue mapping reads: ids, URLs, name, description and alignments."""
    node = achievement_node(credential)
    if node is None:
        badge = credential.get("badge")
        return Achievement(
            id=badge if isinstance(badge, str) else "",
            name=text(credential.get("name")),
            description=text(credential.get("description")),
        )
    ident = text(node.get("id"))
    alt_ids = [
        text(o.get("identifier"))
        for o in _list(node.get("otherIdentifier"))
        if isinstance(o, dict) and text(o.get("identifier"))
    ]
    if text(node.get("humanCode")):
        alt_ids.append(text(node["humanCode"]))
    criteria = node.get("criteria")
    urls = [u for u in (ident, text(criteria.get("id")) if isinstance(criteria, dict) else text(criteria)) if _web(u)]
    alignments = [
        Alignment(
            url=text(a.get("targetUrl")),
            name=text(a.get("targetName")),
            code=text(a.get("targetCode")),
            framework=text(a.get("targetFramework")),
            type=text(a.get("targetType")),
        )
        for a in _list(node.get("alignment") or node.get("alignments"))
        if isinstance(a, dict)
    ]
    return Achievement(
        id=ident,
        alt_ids=tuple(dict.fromkeys(alt_ids)),
        urls=tuple(dict.fromkeys(urls)),
        name=text(node.get("name")),
        description=text(node.get("description")),
        alignments=tuple(alignments),
    )


def display_name(credential: dict[str, Any], achievement: Achievement) -> str:
    return achievement.name or text(credential.get("name"))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _web(value: str) -> bool:
    return value.startswith(("http://", "https://"))
