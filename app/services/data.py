"""What the forms edit, validated beside the value (python-stdnum's shape: ``clean`` returns
the value tidied or raises a ``RuleError`` a person understands). Standard library and
python-stdnum only, so a widget can use these without loading SQLAlchemy."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.kernel.enums import DeviceKind, PolicyBenefit
from app.kernel.errors import RuleError
from app.kernel.limits import MAX_TEXT, check_text, clip
from app.kernel.records import asdict, record, replace

if TYPE_CHECKING:  # the documents load when the first one is made, not with the window
    from app.documents.data import BusinessProfile as DocumentHeader

#: Where the business profile is stored (``business_settings.key``).
PROFILE_KEY = "business_profile"


# -- clients and devices ------------------------------------------------------------------------
@record
class ClientData:
    """What the client form edits."""

    name: str
    phone: str = ""
    email: str = ""
    rfc: str | None = None
    city: str = ""
    address: str = ""
    notes: str = ""

    def clean(self) -> ClientData:
        name = " ".join(check_text(self.name, "El nombre del cliente", lines=True).split())
        if not name:
            raise RuleError("El nombre del cliente es obligatorio.")
        check_text(name, "El nombre del cliente")
        check_text(self.phone, "El teléfono", limit=40)
        check_text(self.email, "El correo")
        check_text(self.city, "La ciudad", limit=120)
        check_text(self.address, "La dirección", limit=MAX_TEXT, lines=True)
        check_text(self.notes, "Las notas", limit=MAX_TEXT, lines=True)
        email = self.email.strip()
        if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
            raise RuleError(f"El correo «{clip(email)}» no es válido.")
        phone = self.phone.strip()
        if phone and not any(ch.isdigit() for ch in phone):
            raise RuleError(f"El teléfono «{clip(phone)}» no es válido.")
        return ClientData(
            name=name,
            phone=phone,
            email=email,
            rfc=clean_rfc(self.rfc),
            city=" ".join(self.city.split()),
            address=self.address.strip(),
            notes=self.notes.strip(),
        )


def clean_rfc(value: str | None) -> str | None:
    """Empty → None; otherwise a valid RFC in compact upper-case form, or RuleError."""
    if value is None or not value.strip():
        return None
    # python-stdnum costs ~30 ms to import: only when an RFC is checked, not in every command
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.mx import rfc as mx_rfc

    try:
        return str(mx_rfc.validate(value.strip().upper()))
    except StdnumError:
        raise RuleError(f"El RFC «{clip(value.strip())}» no es válido.") from None


@record
class DeviceData:
    kind: DeviceKind
    model: str = ""
    serial: str = ""
    os_version: str = ""
    notes: str = ""

    def clean(self) -> DeviceData:
        try:
            kind = DeviceKind(self.kind)
        except ValueError:
            raise RuleError(f"Tipo de equipo desconocido «{clip(self.kind)}».") from None
        check_text(self.model, "El modelo", limit=120)
        check_text(self.serial, "El número de serie", limit=60)
        check_text(self.os_version, "La versión del sistema", limit=60)
        check_text(self.notes, "Las notas", limit=MAX_TEXT, lines=True)
        return DeviceData(
            kind=kind,
            model=self.model.strip(),
            serial=self.serial.strip().upper(),
            os_version=self.os_version.strip(),
            notes=self.notes.strip(),
        )


# -- policies ----------------------------------------------------------------------
@record
class PolicyData:
    """What the policy form edits. ``discount`` is a fraction: 0.20 is 20 %."""

    expected_remote: int
    expected_in_person: int
    discount: Decimal = Decimal("0")
    is_24x7: bool = False
    device_ids: tuple[int, ...] = ()
    benefits: tuple[PolicyBenefit, ...] = ()
    note: str = ""


# -- the business --------------------------------------------------------------------------------
@record
class BusinessProfile:
    """What documents print about the business, and the receipt series."""

    name: str = "AppleUse"
    phones: tuple[str, ...] = ()
    address: str = "Xalapa, Veracruz"
    receipt_series: str = "A"
    email: str = ""
    website: str = ""
    logo_path: str = ""  # an image file printed on documents; empty: no logo

    def to_stored(self) -> dict[str, Any]:
        data = asdict(self)
        data["phones"] = list(self.phones)
        return data

    @classmethod
    def from_stored(cls, data: Any) -> BusinessProfile:
        """From the stored setting (None: the defaults)."""
        found: dict[str, Any] = data or {}
        default = cls()
        return cls(
            name=str(found.get("name", default.name)),
            phones=tuple(str(p) for p in found.get("phones", ())),
            address=str(found.get("address", default.address)),
            receipt_series=str(found.get("receipt_series", default.receipt_series)),
            email=str(found.get("email", "")),
            website=str(found.get("website", "")),
            logo_path=str(found.get("logo_path", "") or ""),
        )

    def clean(self) -> BusinessProfile:
        check_text(self.name, "El nombre del negocio")
        check_text(self.address, "La dirección", limit=MAX_TEXT, lines=True)
        check_text(self.email, "El correo")
        check_text(self.website, "La página web")
        check_text(self.logo_path, "La ruta del logo", limit=1000)
        for phone in self.phones:
            check_text(phone, "Un teléfono", limit=40)
        series = self.receipt_series.strip().upper()
        if not series or not series.isalnum() or len(series) > 10:
            raise RuleError("La serie de recibos debe ser de 1 a 10 letras o números.")
        if not self.name.strip():
            raise RuleError("El nombre del negocio es obligatorio.")
        return replace(self, name=self.name.strip(), receipt_series=series)

    def document_header(self) -> DocumentHeader:
        """The header every document prints (the logo only if its file is still there)."""
        from app.documents.data import BusinessProfile as DocumentHeader

        logo = Path(self.logo_path) if self.logo_path else None
        return DocumentHeader(
            name=self.name,
            phones=self.phones,
            address=self.address,
            email=self.email,
            website=self.website,
            logo_path=logo if logo is not None and logo.is_file() else None,
        )


def clean_note(text: str, what: str = "La nota") -> str:
    """A free text (a note, a summary, a reason, a description), trimmed."""
    return check_text(text, what, limit=MAX_TEXT, lines=True).strip()


# -- backups ---------------------------------------------------------------------------------------
#: Where the backup settings are stored (``business_settings.key``).
BACKUPS_KEY = "backups"


@record
class BackupSettings:
    """How many backups rotation keeps, and an optional second folder (an external disk, an
    iCloud Drive folder) that receives a copy of each one."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    also: str = ""  # the second folder; empty: none

    def to_stored(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_stored(cls, data: Any) -> BackupSettings:
        found: dict[str, Any] = data or {}
        default = cls()
        return cls(
            daily=int(found.get("daily", default.daily)),
            weekly=int(found.get("weekly", default.weekly)),
            monthly=int(found.get("monthly", default.monthly)),
            also=str(found.get("also", "") or ""),
        )

    def clean(self) -> BackupSettings:
        for value, what, most in (
            (self.daily, "Los respaldos diarios", 366),
            (self.weekly, "Los respaldos semanales", 260),
            (self.monthly, "Los respaldos mensuales", 240),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
                raise RuleError(f"{what} que se conservan van de 0 a {most}.")
        if self.daily + self.weekly + self.monthly == 0:
            raise RuleError("Conserve al menos un respaldo.")
        also = check_text(self.also, "La segunda carpeta", limit=1000).strip()
        if also and not Path(also).expanduser().is_dir():
            raise RuleError(f"La segunda carpeta «{clip(also)}» no existe.")
        return replace(self, also=also)
