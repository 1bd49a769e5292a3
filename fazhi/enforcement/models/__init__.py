"""Models of the enforcement app, one module per part of sub-platform 4 (issue 4):
registry (officers, certificates), authority lists and benchmarks, cases and steps,
supervision alerts, disclosure. Django finds them through this package."""

from fazhi.enforcement.models.authority import (  # noqa: F401
    AuthorityBasis,
    AuthorityItem,
    BenchmarkTier,
    DiscretionBenchmark,
    FirstViolationEntry,
    FirstViolationList,
)
from fazhi.enforcement.models.badges import Badge  # noqa: F401
from fazhi.enforcement.models.cases import (  # noqa: F401
    Case,
    CaseOfficer,
    CoercionMeasure,
    DeadlineExtension,
    HearingThreshold,
    LegalReview,
    MajorDecisionRule,
    Party,
    Step,
)
from fazhi.enforcement.models.disclosure import Disclosure, DisclosurePolicy  # noqa: F401
from fazhi.enforcement.models.documents import (  # noqa: F401
    CaseCode,
    CaseDocument,
    DocumentKind,
    Rating,
)
from fazhi.enforcement.models.registry import (  # noqa: F401
    Certificate,
    CertificateEvent,
    Officer,
    TrainingRecord,
)
from fazhi.enforcement.models.supervision import Alert, Rectification  # noqa: F401
