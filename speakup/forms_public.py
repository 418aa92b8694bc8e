"""Forms of the public speak-up pages, and what keeps them safe without cookies or JavaScript.

- The signed form token: the intake works with no cookie at all, so Django's CSRF cookie cannot protect
  it. The form carries a token signed with the server's secret instead, with the time it was rendered.
  It proves the form came from this site not long ago, and it is the anti-bot measure: a submission
  faster than SPEAKUP_MIN_FILL_SECONDS (3 s) after the form was rendered, or with an expired token, is
  refused kindly. Together with a honeypot field and the per-channel rate limit this is the issue's
  "equivalent" of a proof-of-work: proof-of-work needs JavaScript in the reporter's browser, and the
  whole flow must work without it on a cheap phone; a minimum fill time costs a person nothing and a
  bot seconds per submission, needs no third party and stores nothing.
- The session token: after the receipt login, the follow-up forms carry an HMAC of the session key
  (no CSRF cookie: the session cookie is the reporter's only cookie besides the unlock key).
- Attachments: PDF, JPEG and PNG only, by extension AND by their first bytes; images are re-encoded
  with Pillow (EXIF, XMP, ICC and text chunks dropped); PDF document properties (/Info) and XMP
  metadata packets are blanked in place, and a PDF whose metadata cannot be reached that way (inside a
  compressed object stream, or a compressed XMP stream) is refused with a note to print it to a new
  PDF or send a picture instead.
"""

import hashlib
import io
import json
import re
import secrets
import time
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from framework.models import ViolationType
from organisations.models import Organisation
from speakup import crypto
from speakup.models import Anonymity, AttachmentType, Channel, SpentFormToken

MAX_TEXT = 20_000
MAX_SHORT_TEXT = 500
MAX_ATTACHMENTS = 5
FORM_SALT = "speakup.public.form"
SESSION_FORM_SALT = "speakup.public.session"
HONEYPOT = "website"
WHOLE_ALLIANCE = "alliance"
NOT_SURE = "not-sure"

# The shipped taxonomy is Dutch and English; these names are in the French and Spanish catalogues.
CATEGORY_NAMES = [
    gettext_noop("Abuse of power"),
    gettext_noop("Financial violations"),
    gettext_noop("Interpersonal violations"),
    gettext_noop("Other integrity violations"),
]


def min_fill_seconds() -> float:
    return float(getattr(settings, "SPEAKUP_MIN_FILL_SECONDS", 3))


def form_max_age_seconds() -> int:
    # Long enough to write a difficult report slowly; a longer wait gets a fresh form with the text kept.
    return int(getattr(settings, "SPEAKUP_FORM_MAX_AGE_SECONDS", 6 * 60 * 60))


# Form token -------------------------------------------------------------------------------------------


def form_token(channel: Channel, issued_at: float | None = None) -> str:
    """A signed token naming the channel, the moment the form was rendered and a one-time number: a form is
    stored once, however often it is sent (`spend_form_token`)."""
    return signing.dumps(
        {
            "c": str(channel.code),
            "t": issued_at if issued_at is not None else time.time(),
            "n": secrets.token_urlsafe(16),
        },
        salt=FORM_SALT,
    )


class FormAlreadySent(Exception):
    """This form was sent before, and its report stored then; `receipt` is that report's code ("" if unknown)."""

    def __init__(self, receipt: str) -> None:
        super().__init__("form already sent")
        self.receipt = receipt


def _form_number(token: str) -> bytes:
    return str(signing.loads(token, salt=FORM_SALT)["n"]).encode()


def _derived(number: bytes, purpose: bytes) -> bytes:
    return hashlib.blake2b(number, digest_size=32, person=purpose).digest()


def spend_form_token(token: str, receipt: str) -> None:
    """Mark the form as sent, inside the transaction that stores its report, with its receipt locked under a key
    only the form's one-time number gives. FormAlreadySent (with that receipt) if the form was sent before."""
    number = _form_number(token)
    digest = _derived(number, b"samen-form-id").hex()
    try:
        with transaction.atomic():
            SpentFormToken.objects.create(
                digest=digest, receipt=crypto.lock(_derived(number, b"samen-form-key"), receipt.encode())
            )
    except IntegrityError:
        spent = SpentFormToken.objects.filter(digest=digest).first()
        try:
            earlier = crypto.unlock(_derived(number, b"samen-form-key"), bytes(spent.receipt)) if spent else b""
        except crypto.DecryptionError:
            earlier = b""
        raise FormAlreadySent(earlier.decode()) from None


def form_token_problem(token: str, channel: Channel) -> str | None:
    """Why this token does not allow a submission now ("bad", "expired", "too_fast"), or None."""
    try:
        data = signing.loads(token, salt=FORM_SALT)
    except signing.BadSignature:
        return "bad"
    if (
        not isinstance(data, dict)
        or data.get("c") != str(channel.code)
        or not isinstance(data.get("t"), int | float)
        or not isinstance(data.get("n"), str)
    ):
        return "bad"
    age = time.time() - data["t"]
    if age > form_max_age_seconds():
        return "expired"
    if age < min_fill_seconds():
        return "too_fast"
    return None


def session_token(request: HttpRequest) -> str:
    """A token for the follow-up forms, bound to this session (so another site cannot make one)."""
    return salted_hmac(SESSION_FORM_SALT, request.session.session_key or "").hexdigest()


def session_token_ok(request: HttpRequest) -> bool:
    given = request.POST.get("token", "")
    return bool(request.session.session_key) and constant_time_compare(given, session_token(request))


# Uploads ----------------------------------------------------------------------------------------------


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keep uploads in memory, never in a temporary file where the plaintext could linger on disk.

    Stores at most `max_bytes + 1` bytes of at most MAX_ATTACHMENTS + 1 files (so memory stays bounded),
    but counts every byte, so the form can say how large a refused file really was.
    """

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.files_seen = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.buffer = io.BytesIO()
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = self.max_bytes + 1 - self.seen
        if room > 0 and self.files_seen <= MAX_ATTACHMENTS + 1:
            self.buffer.write(raw_data[:room])
        self.seen += len(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.seen,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


@dataclass
class CleanAttachment:
    name: str
    content_type: str
    data: bytes


class MetadataNotRemovable(Exception):
    pass


PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ALLOWED_EXTENSIONS = {
    ".pdf": (AttachmentType.PDF, PDF_MAGIC),
    ".jpg": (AttachmentType.JPEG, JPEG_MAGIC),
    ".jpeg": (AttachmentType.JPEG, JPEG_MAGIC),
    ".png": (AttachmentType.PNG, PNG_MAGIC),
}
ACCEPT = ",".join(ALLOWED_EXTENSIONS)


def strip_image(data: bytes, image_format: str) -> bytes:
    """Re-encode the pixels only: EXIF (camera, GPS, time), XMP, ICC profile and text chunks are gone."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data), formats=[image_format]) as opened:
            opened.load()
            # Without its EXIF the picture would lose its orientation: turn the pixels instead.
            image = ImageOps.exif_transpose(opened) or opened
            transparency = image.info.get("transparency")
            image.info = {} if transparency is None else {"transparency": transparency}
            out = io.BytesIO()
            if image_format == "JPEG":
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=90)
            else:
                image.save(out, "PNG")
    return out.getvalue()


_INFO_REF = re.compile(rb"/Info\s+(\d+)\s+(\d+)\s+R")
_METADATA_REF = re.compile(rb"/Metadata\s+(\d+)\s+(\d+)\s+R")
_XMP_PACKET = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>|<\?xpacket begin.*?<\?xpacket end[^>]*>", re.DOTALL)
_EMPTY_XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/><?xpacket end="w"?>'
)


def _objects(data: bytes, number: bytes, generation: bytes) -> list[tuple[int, int]]:
    """Spans (start, end) of every plaintext definition of object `number generation` (incremental updates add more)."""
    spans = []
    for match in re.finditer(rb"(?<![0-9])" + number + rb"\s+" + generation + rb"\s+obj\b", data):
        end = data.find(b"endobj", match.end())
        spans.append((match.end(), end if end != -1 else len(data)))
    return spans


def _blank_strings(buffer: bytearray, start: int, end: int) -> None:
    """Replace the inside of every string in buffer[start:end] with spaces, keeping every byte offset."""
    i = start
    while i < end:
        ch = buffer[i]
        if ch == ord("%"):  # a comment runs to the end of the line
            while i < end and buffer[i] not in b"\r\n":
                i += 1
        elif buffer[i : i + 2] in (b"<<", b">>"):
            i += 2
            continue
        elif ch == ord("<"):  # hex string: whitespace inside is ignored, so spaces make it empty
            close = buffer.find(b">", i + 1, end)
            close = end if close == -1 else close
            buffer[i + 1 : close] = b" " * (close - i - 1)
            i = close
        elif ch == ord("("):  # literal string: balanced parentheses, backslash escapes
            depth, j = 1, i + 1
            while j < end and depth:
                if buffer[j] == ord("\\"):
                    j += 2
                    continue
                depth += {ord("("): 1, ord(")"): -1}.get(buffer[j], 0)
                j += 1
            close = min(j - 1, end)
            buffer[i + 1 : close] = b" " * (close - i - 1)
            i = close
        i += 1


def strip_pdf(data: bytes) -> bytes:
    """Blank the document properties and XMP metadata of a PDF in place (byte offsets stay valid).

    Conservative on purpose (no PDF library is installed): what cannot be found in plain bytes is
    not guessed at; MetadataNotRemovable makes the form refuse the file instead.
    """
    buffer = bytearray(data)
    if re.search(rb"/Info\s*<<", data):
        raise MetadataNotRemovable
    for number, generation in set(_INFO_REF.findall(data)):
        spans = _objects(data, number, generation)
        if not spans:  # the properties are inside a compressed object stream
            raise MetadataNotRemovable
        for start, end in spans:
            _blank_strings(buffer, start, end)
    for number, generation in set(_METADATA_REF.findall(data)):
        spans = _objects(data, number, generation)
        if not spans:
            raise MetadataNotRemovable
        for start, end in spans:
            stream = data.find(b"stream", start, end)
            if stream == -1 or b"/Filter" in data[start:stream]:
                raise MetadataNotRemovable
    for match in _XMP_PACKET.finditer(bytes(buffer)):
        length = match.end() - match.start()
        filler = _EMPTY_XMP if length >= len(_EMPTY_XMP) else b""
        buffer[match.start() : match.end()] = filler + b" " * (length - len(filler))
    return bytes(buffer)


def clean_attachment(upload: UploadedFile, max_bytes: int) -> CleanAttachment:
    name = PurePath((upload.name or "").replace("\\", "/")).name[:200] or "attachment"
    if upload.size is not None and upload.size > max_bytes:
        raise forms.ValidationError(
            _("%(name)s is too large (%(size)s MB); the limit is %(limit)s MB per file."),
            params={"name": name, "size": _megabytes(upload.size), "limit": _megabytes(max_bytes)},
        )
    allowed = ALLOWED_EXTENSIONS.get(PurePath(name).suffix.lower())
    data = upload.read()
    if allowed is None or not data.startswith(allowed[1]):
        raise forms.ValidationError(
            _("%(name)s cannot be sent: only PDF, JPEG and PNG files are accepted."), params={"name": name}
        )
    content_type = allowed[0]
    try:
        if content_type == AttachmentType.PDF:
            data = strip_pdf(data)
        else:
            data = strip_image(data, "JPEG" if content_type == AttachmentType.JPEG else "PNG")
    except MetadataNotRemovable:
        raise forms.ValidationError(
            _(
                "%(name)s: we cannot remove the hidden details (author, dates) of this PDF safely. "
                "Print it to a new PDF, or send a photo of it, and try again."
            ),
            params={"name": name},
        ) from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise forms.ValidationError(
            _("%(name)s cannot be opened as a picture; it may be damaged."), params={"name": name}
        ) from None
    return CleanAttachment(name=name, content_type=content_type.value, data=data)


def _megabytes(size: int) -> str:
    return number_format(size / (1024 * 1024), 1)


def clean_attachments(files: list[UploadedFile], max_bytes: int) -> list[CleanAttachment]:
    if len(files) > MAX_ATTACHMENTS:
        raise forms.ValidationError(
            ngettext("Send at most %(count)d file.", "Send at most %(count)d files.", MAX_ATTACHMENTS),
            params={"count": MAX_ATTACHMENTS},
        )
    cleaned, errors = [], []
    for upload in files:
        try:
            cleaned.append(clean_attachment(upload, max_bytes))
        except forms.ValidationError as error:
            errors.append(error)
    if errors:
        raise forms.ValidationError(errors)
    return cleaned


# Forms ------------------------------------------------------------------------------------------------


def category_label(category: ViolationType, language: str) -> str:
    if language == "nl":
        return category.name_nl or category.name_en
    return gettext(category.name_en) if category.name_en else category.name_nl


def question_text(question: Any, language: str) -> str:
    if isinstance(question, str):
        return question
    if isinstance(question, dict):
        for code in (language, "en", "nl", *question):
            if question.get(code):
                return str(question[code])
    return ""


class ReportForm(forms.Form):
    """The intake. Everything a reporter types is sealed; only category and anonymity stay readable."""

    concerns = forms.ChoiceField(label=_("Who is your report about?"), widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("What kind of problem is it?"), widget=forms.RadioSelect)
    what = forms.CharField(
        label=_("What happened?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Describe what you saw or experienced, in your own words."),
    )
    when = forms.CharField(
        label=_("When did it happen?"),
        required=False,
        max_length=MAX_SHORT_TEXT,
        help_text=_("A date or a period is enough, for example “March 2025” or “since last year”."),
    )
    where = forms.CharField(label=_("Where did it happen?"), required=False, max_length=MAX_SHORT_TEXT)
    who = forms.CharField(
        label=_("Who is involved?"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names or roles of the people involved, and of witnesses if there are any."),
    )
    anonymity = forms.ChoiceField(
        label=_("Who may know that you made this report?"),
        choices=[
            (Anonymity.ANONYMOUS.value, _("Nobody: I stay anonymous")),
            (Anonymity.CONFIDENTIAL.value, _("Only the people who handle my report (confidential)")),
            (Anonymity.OPEN.value, _("My name may be known (open)")),
        ],
        initial=Anonymity.ANONYMOUS.value,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        help_text=_("Only if you chose confidential or open."),
    )
    contact = forms.CharField(
        label=_("How can we reach you? (optional)"),
        required=False,
        max_length=MAX_SHORT_TEXT,
        help_text=_(
            "An e-mail address or phone number, only if you want to be contacted outside this page. "
            "You can always follow up with your receipt code."
        ),
    )
    attachments = MultipleFileField(
        label=_("Files (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )
    # The honeypot: hidden from people (and from screen readers), filled in by naive bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, channel: Channel, language: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.language = language
        self.form_problem: str | None = None
        categories = list(channel.categories.filter(retired=False)) or list(ViolationType.objects.active())
        self.categories = {c.code: c for c in categories}
        category_field: forms.ChoiceField = self.fields["category"]  # type: ignore[assignment]
        category_field.choices = [
            *[(c.code, category_label(c, language)) for c in categories],
            (NOT_SURE, _("I am not sure")),
        ]
        if channel.alliance_id is not None:
            members = channel.alliance.members().order_by("name")  # type: ignore[union-attr]
            self.members = {str(m.code): m for m in members}
            concerns_field: forms.ChoiceField = self.fields["concerns"]  # type: ignore[assignment]
            concerns_field.choices = [
                (WHOLE_ALLIANCE, _("The alliance as a whole, or I do not know")),
                *[(code, m.name) for code, m in self.members.items()],
            ]
        else:
            self.members = {}
            del self.fields["concerns"]
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files: PDF, JPEG or PNG, at most %(limit)s MB each. Hidden details (camera, "
            "place, author) are removed before they are stored; what the file shows is sent as it is."
        ) % {"count": MAX_ATTACHMENTS, "limit": _megabytes(channel.max_attachment_bytes)}
        # The channel's extra questions, per category. Without JavaScript they cannot appear only after a
        # category is chosen, so each category's questions are a group of their own; the answers of the
        # chosen category are kept, the others dropped.
        self.question_groups: list[tuple[str, list[str]]] = []
        questions = channel.questions if isinstance(channel.questions, dict) else {}
        for code, category in self.categories.items():
            names = []
            for index, question in enumerate(questions.get(code) or []):
                text = question_text(question, language)
                if not text:
                    continue
                name = f"q_{code}_{index}"
                self.fields[name] = forms.CharField(
                    label=text, required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
                )
                names.append(name)
            if names:
                self.question_groups.append((category_label(category, language), names))
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def question_field_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(label, [self[name] for name in names]) for label, names in self.question_groups]

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        self.form_problem = form_token_problem(token, self.channel)
        if self.form_problem == "too_fast":
            raise forms.ValidationError(
                _("That was very quick. Please check your report and send it again."), code="too_fast"
            )
        if self.form_problem in ("bad", "expired"):
            raise forms.ValidationError(
                _("This form was open for a long time. Your text is kept: please send it again."), code="expired"
            )
        return token

    def clean_website(self) -> str:
        if self.cleaned_data.get(HONEYPOT):
            raise forms.ValidationError(
                _("Your report could not be sent. Please check the form and send it again."), code="honeypot"
            )
        return ""

    def clean_attachments(self) -> list[CleanAttachment]:
        return clean_attachments(self.cleaned_data.get("attachments") or [], self.channel.max_attachment_bytes)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        anonymity, name = data.get("anonymity"), (data.get("name") or "").strip()
        if anonymity == Anonymity.ANONYMOUS and name:
            self.add_error(
                "name", _("You chose to stay anonymous: leave your name empty, or choose another option above.")
            )
        elif anonymity in (Anonymity.CONFIDENTIAL, Anonymity.OPEN) and not name:
            self.add_error("name", _("Give your name, or choose to stay anonymous."))
        return data

    def chosen_category(self) -> ViolationType | None:
        return self.categories.get(self.cleaned_data["category"])

    def concerns_organisation(self) -> Organisation | None:
        return self.members.get(self.cleaned_data.get("concerns") or "")

    def content(self) -> bytes:
        """The sealed part of the report, as JSON (the handler pages read these keys)."""
        data = self.cleaned_data
        category = self.chosen_category()
        answers = []
        if category is not None:
            for name, field in self.fields.items():
                if name.startswith(f"q_{category.code}_") and data.get(name):
                    answers.append({"question": str(field.label), "answer": data[name]})
        content = {
            key: data.get(key, "").strip()
            for key in ("what", "when", "where", "who", "name", "contact")
            if data.get(key, "").strip()
        }
        content.update(answers=answers, language=self.language)
        return json.dumps(content, ensure_ascii=False).encode()


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=40,
        help_text=_("The 16 digits you received when you made your report. Spaces do not matter."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_receipt(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["receipt"] if ch.isdigit())
        if len(digits) != 16:
            raise forms.ValidationError(_("A receipt code has 16 digits."))
        return digits


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(
        label=_("Files (optional)"), required=False, widget=MultipleFileInput(attrs={"accept": ACCEPT})
    )

    def __init__(self, channel: Channel, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.fields["attachments"].help_text = _("PDF, JPEG or PNG, at most %(limit)s MB each.") % {
            "limit": _megabytes(channel.max_attachment_bytes)
        }

    def clean_attachments(self) -> list[CleanAttachment]:
        return clean_attachments(self.cleaned_data.get("attachments") or [], self.channel.max_attachment_bytes)
