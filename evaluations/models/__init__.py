"""The models of evaluations, one module per concern: the council and scoring (``council``), the recognition
decision (``decisions``), the certificates (``certificates``). The programme year, rounds and criteria sets are in
``programme``."""

from evaluations.models.certificates import (  # noqa: F401
    CODE_ALPHABET,
    CODE_LENGTH,
    CODE_REGEX,
    Certificate,
    CertificateQuerySet,
    CertificateSequence,
    Inspection,
    IssuingBatch,
    add_months,
    certificate_file_path,
    new_verification_code,
)
from evaluations.models.council import (  # noqa: F401
    ConflictOfInterest,
    CouncilMember,
    Result,
    ScoreSheet,
    SheetRevision,
)
from evaluations.models.decisions import (  # noqa: F401
    MinistryReferral,
    ProductNumber,
    Recognition,
    RecognitionDecision,
)
