"""Portal families (CMS shapes): URL layout plus list/article templates for each."""

from __future__ import annotations

from .base import Ctx, Family
from .hanweb import Hanweb
from .jsonly import JsOnly
from .legacy import Legacy
from .mirror import Mirror
from .static import Static
from .trs import Trs

FAMILIES: dict[str, Family] = {f.key: f for f in (Trs(), Hanweb(), JsOnly(), Static(), Legacy(), Mirror())}

__all__ = ["FAMILIES", "Ctx", "Family"]
