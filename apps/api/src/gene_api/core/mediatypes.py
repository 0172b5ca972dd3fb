"""Content negotiation (RFC 9110 12.5.1), one implementation for every endpoint."""


def accepted_media_types(accept: str) -> list[str]:
    """Media ranges of an Accept header, most preferred first (q-values; q=0 means never)."""
    ranked = []
    for position, item in enumerate(accept.split(",")):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type and quality > 0:
            ranked.append((-quality, position, media_type.lower()))
    return [media_type for _, _, media_type in sorted(ranked)]


def best_match(accept: str, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (the first offered on a tie), or None.
    An empty Accept header accepts anything."""
    if not accept.strip():
        return offered[0]
    for wanted in accepted_media_types(accept):
        if wanted == "*/*":
            return offered[0]
        for media_type in offered:
            if wanted == media_type or wanted == f"{media_type.split('/')[0]}/*":
                return media_type
    return None
